package dev.capkit.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.capkit.core.results.ScenarioInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario fields for recorded workloads: traces, recorded sessions, recorded chats (issue 15). */
class RecordedWorkloadFieldsTest {
  private static final Path SCENARIOS = Path.of("../scenarios");
  private static final List<String> EXAMPLES = List.of("trace-mooncake", "trace-burstgpt", "recorded-sessions", "recorded-chats");

  @TempDir
  Path dir;

  @Test
  void mooncakeTraceGivesOneStepPerSpeedAtTheTracesMeanRate() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("trace-mooncake.json"), Map.of());
    LoadShape.Trace t = assertInstanceOf(LoadShape.Trace.class, s.load());
    assertEquals(120, t.lines());
    assertEquals(2, s.steps().size());
    long spanMicros = t.offsetNanos(119, 1) / 1000; // the last line's timestamp
    assertEquals(25_324_000, spanMicros, "traces/mooncake-example.jsonl: last timestamp 25324 ms");
    // window = span x n/(n-1) / speed, whole milliseconds, so n requests over it is the mean rate
    assertEquals(Duration.ofMillis((long) Math.ceil(spanMicros / 1e3 * 120 / 119)), s.steps().get(0).duration());
    assertEquals(Duration.ofMillis((long) Math.ceil(spanMicros / 2e3 * 120 / 119)), s.steps().get(1).duration());
    assertEquals(s.steps().get(0).duration(), s.steps().get(1).start(), "steps back to back");
    assertEquals(120, t.lines(0));
    assertEquals(120, t.lines(1));
    assertEquals(120 / (s.steps().get(0).duration().toMillis() / 1e3), s.steps().get(0).offered(), 0.001);
    assertEquals(120 / (s.steps().get(1).duration().toMillis() / 1e3), s.steps().get(1).offered(), 0.001);
    assertEquals("qps", s.steps().get(0).unit(), "judged as open loop: latencies from the intended send time");
    assertEquals(25_324_000_000L / 2, t.offsetNanos(119, 2));
    RequestMix m = s.mix().get(0);
    assertEquals(RequestType.TRACE, m.type());
    assertTrue(m.promptTokens().median() > 512 && m.promptTokens().p90() >= m.promptTokens().median(),
        "prompt lengths are the trace's: " + m.promptTokens());
  }

  @Test
  void cutAndSpeedOverridesReplayPartOfTheTrace() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("trace-mooncake.json"), Map.of("speed", "3", "duration", "5s"));
    LoadShape.Trace t = (LoadShape.Trace) s.load();
    assertEquals(1, s.steps().size());
    assertEquals(Duration.ofSeconds(5), s.steps().get(0).duration());
    int inWindow = t.lines(0);
    assertTrue(t.offsetNanos(inWindow - 1, 3) < 5_000_000_000L && t.offsetNanos(inWindow, 3) >= 5_000_000_000L,
        "exactly the lines whose sped-up time is inside the cut");
    assertEquals(inWindow / 5.0, s.steps().get(0).offered(), 0.01);
  }

  @Test
  void sessionsAndChatsAreReadAndTheirLengthsRecorded() {
    Scenario sessions = ScenarioLoader.load(SCENARIOS.resolve("recorded-sessions.json"), Map.of());
    RequestMix m = sessions.mix().get(0);
    assertEquals(RequestType.RECORDED_SESSION, m.type());
    assertTrue(Files.isRegularFile(Path.of(m.recording())));
    assertInstanceOf(LoadShape.Closed.class, sessions.load());
    Scenario chats = ScenarioLoader.load(SCENARIOS.resolve("recorded-chats.json"), Map.of());
    assertEquals(RequestType.RECORDED_CHAT, chats.mix().get(0).type());
    assertTrue(chats.mix().get(0).promptTokens().p90() > chats.mix().get(0).promptTokens().median(),
        "user turns with their history differ in length: " + chats.mix().get(0).promptTokens());
  }

  /** What run.json says was offered, for each example scenario (paths relative to scenarios/). */
  @Test
  void scenarioInfoOfTheExamplesIsPinnedByGoldenFile() throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    StringBuilder text = new StringBuilder();
    String base = SCENARIOS.toAbsolutePath().normalize() + "/";
    for (String name : EXAMPLES) {
      ScenarioInfo info = ScenarioInfo.of(ScenarioLoader.load(SCENARIOS.resolve(name + ".json"), Map.of()));
      text.append(json.writeValueAsString(info).replace(base, "<scenarios>/")).append('\n');
    }
    Path golden = Path.of("src/test/resources/scenario/recorded-workloads-v1.golden");
    if (Boolean.getBoolean("capkit.updateGolden")) {
      Files.writeString(golden, text);
    }
    assertEquals(Files.readString(golden), text.toString());
  }

  @Test
  void badTraceLineIsNamedWithFileLineAndField() throws IOException {
    Files.writeString(dir.resolve("t.jsonl"), "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 5}\n"
        + "{\"timestamp\": 10, \"input_length\": -3, \"output_length\": 5}\n");
    ScenarioException e = assertThrows(ScenarioException.class, () -> load(traceScenario("t.jsonl", "mooncake", "1")));
    assertTrue(e.getMessage().contains("t.jsonl:2") && e.getMessage().contains("input_length")
        && e.getMessage().contains("-3"), e.getMessage());
  }

  @Test
  void traceFieldErrorsNameFieldAndValue() throws IOException {
    Files.writeString(dir.resolve("t.jsonl"), "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 5}\n");
    assertMessage(traceScenario("missing.jsonl", "mooncake", "1"), "load.trace", "missing.jsonl");
    assertMessage(traceScenario("t.jsonl", "azure", "1"), "load.format", "azure");
    assertMessage(traceScenario("t.jsonl", "mooncake", "0"), "load.speed", "0");
    assertMessage(traceScenario("t.jsonl", "mooncake", "[1, \"x\"]"), "load.speed[1]", "x");
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load(write(traceScenario("t.jsonl", "mooncake", "1")), Map.of("qps", "3")));
    assertTrue(e.getMessage().contains("-Dcapkit.qps") && e.getMessage().contains("speed"), e.getMessage());
  }

  @Test
  void traceRequestsAndTraceLoadGoTogether() throws IOException {
    Files.writeString(dir.resolve("t.jsonl"), "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 5}\n");
    String traceMixWithOpenLoad = scenario("{\"kind\": \"t\", \"weight\": 1, \"type\": \"trace\"}",
        "{\"model\": \"open\", \"qps\": [1], \"stepDuration\": \"5s\"}");
    assertMessage(traceMixWithOpenLoad, "mix[0].type", "trace");
    String chatMixWithTraceLoad = scenario("{\"kind\": \"c\", \"weight\": 1, \"type\": \"chat\", \"promptTokens\": {\"median\": 10}}",
        "{\"model\": \"trace\", \"trace\": \"t.jsonl\", \"format\": \"mooncake\"}");
    assertMessage(chatMixWithTraceLoad, "mix", "chat");
    String maxTokensOnTrace = scenario("{\"kind\": \"t\", \"weight\": 1, \"type\": \"trace\", \"maxTokens\": 9}",
        "{\"model\": \"trace\", \"trace\": \"t.jsonl\", \"format\": \"mooncake\"}");
    assertMessage(maxTokensOnTrace, "mix[0].maxTokens", "output_length");
  }

  @Test
  void recordedSessionsInAClosedLoopRefuseWhatTheRecordingFixes() throws IOException {
    Path sessions = SCENARIOS.resolve("recorded/sessions-example.jsonl").toAbsolutePath();
    String entry = "{\"kind\": \"p\", \"weight\": 1, \"type\": \"recorded-session\", \"sessions\": \"" + sessions + "\"}";
    assertMessage(scenario(entry, "{\"model\": \"closed\", \"agents\": [1], \"stepDuration\": \"5s\", \"stepsPerTask\": 3}"),
        "load.stepsPerTask", "recorded session");
    assertMessage(scenario(entry, "{\"model\": \"closed\", \"agents\": [1], \"stepDuration\": \"5s\", \"thinkTime\": \"1s\"}"),
        "load.thinkTime", "think_ms");
    String two = entry + ", {\"kind\": \"c\", \"weight\": 1, \"type\": \"chat\", \"promptTokens\": {\"median\": 10}}";
    assertMessage(scenario(two, "{\"model\": \"closed\", \"agents\": [1], \"stepDuration\": \"5s\"}"), "mix", "only entry");
    // open loop: mixed freely with generated requests
    Scenario open = load(scenario(two, "{\"model\": \"open\", \"qps\": [1], \"stepDuration\": \"5s\"}"));
    assertEquals(2, open.mix().size());
    String missing = "{\"kind\": \"p\", \"weight\": 1, \"type\": \"recorded-session\", \"sessions\": \"nope.jsonl\"}";
    assertMessage(scenario(missing, "{\"model\": \"open\", \"qps\": [1], \"stepDuration\": \"5s\"}"), "mix[0].sessions",
        "nope.jsonl");
  }

  @Test
  void badChatsLineIsNamedWithFileLineAndField() throws IOException {
    Files.writeString(dir.resolve("c.jsonl"), "{\"conversations\": [{\"from\": \"robot\", \"value\": \"hi\"}]}\n");
    String entry = "{\"kind\": \"c\", \"weight\": 1, \"type\": \"recorded-chat\", \"chats\": \"c.jsonl\"}";
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> load(scenario(entry, "{\"model\": \"open\", \"qps\": [1], \"stepDuration\": \"5s\"}")));
    assertTrue(e.getMessage().contains("c.jsonl:1") && e.getMessage().contains("robot"), e.getMessage());
  }

  @Test
  void speedOverrideOnARateScenarioIsRefused() {
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load(SCENARIOS.resolve("quickstart.json"), Map.of("speed", "2")));
    assertTrue(e.getMessage().contains("-Dcapkit.speed"), e.getMessage());
  }

  private String traceScenario(String file, String format, String speed) {
    return scenario("{\"kind\": \"t\", \"weight\": 1, \"type\": \"trace\"}",
        "{\"model\": \"trace\", \"trace\": \"" + file + "\", \"format\": \"" + format + "\", \"speed\": " + speed + "}");
  }

  private static String scenario(String mix, String load) {
    return "{\"capkitScenario\": 1, \"name\": \"x\", \"mix\": [" + mix + "], \"load\": " + load
        + ", \"slo\": {\"e2e.p99\": \"10s\"}}";
  }

  private Path write(String text) throws IOException {
    Path p = dir.resolve("s.json");
    Files.writeString(p, text);
    return p;
  }

  private Scenario load(String text) throws IOException {
    return ScenarioLoader.load(write(text), Map.of());
  }

  private void assertMessage(String scenario, String field, String value) throws IOException {
    ScenarioException e = assertThrows(ScenarioException.class, () -> load(scenario));
    assertTrue(e.getMessage().contains(field) && e.getMessage().contains(value),
        "expected field " + field + " and '" + value + "' in: " + e.getMessage());
  }
}
