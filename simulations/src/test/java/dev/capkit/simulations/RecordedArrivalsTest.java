package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.capkit.core.scenario.LoadShape;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the main job plans and builds recorded workloads: trace times per speed, recorded tasks per agent. */
class RecordedArrivalsTest {
  private static final Path SCENARIOS = Path.of("../scenarios");

  @Test
  void traceArrivalsAreTheTracesTimesDividedByEachStepsSpeed() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("trace-mooncake.json"), Map.of("network", "none,vpc-20ms"));
    LoadShape.Trace t = (LoadShape.Trace) s.load();
    List<Arrival> all = ArrivalSchedule.plan(s).arrivals();
    assertEquals(4 * 120, all.size(), "2 speeds x 2 network profiles x 120 lines");
    for (int step = 0; step < 4; step++) {
      long start = s.steps().get(step).start().toNanos();
      double speed = t.speeds().get(step / 2);
      for (int i = 0; i < 120; i++) {
        Arrival a = all.get(step * 120 + i);
        assertEquals(step, a.step());
        assertEquals(start + Math.round(t.offsetNanos(i, 1) / speed), a.offsetNanos(), 1, "step " + step + " line " + i);
      }
    }
    // a level's network steps replay the same requests; another speed gets blocks of its own (no cache carry-over)
    RequestFactory f = new RequestFactory(s);
    assertArrayEquals(f.forArrival(all.get(5)).body(), f.forArrival(all.get(120 + 5)).body());
    assertFalse(java.util.Arrays.equals(f.forArrival(all.get(5)).body(), f.forArrival(all.get(240 + 5)).body()));
  }

  @Test
  void traceWarmupReplaysTheTracesBeginningUnrecorded() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("trace-mooncake.json"), Map.of("speed", "1", "warmup", "2s"));
    List<Arrival> all = ArrivalSchedule.plan(s).arrivals();
    long leadIn = all.stream().filter(a -> a.step() == ArrivalSchedule.LEAD_IN).count();
    LoadShape.Trace t = (LoadShape.Trace) s.load();
    long expected = java.util.stream.IntStream.range(0, t.lines()).filter(i -> t.offsetNanos(i, 1) < 2_000_000_000L).count();
    assertEquals(expected, leadIn);
    assertEquals(120, all.size() - leadIn);
    assertEquals(2_000_000_000L, all.get((int) leadIn).offsetNanos(), "the first step starts after the warm-up");
  }

  @Test
  void closedLoopAgentsWorkThroughRecordedSessionsWithTheirThinkTimes() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("recorded-sessions.json"), Map.of());
    RequestFactory f = new RequestFactory(s);
    // sessions-example.jsonl: 3 tasks of 3, 4 and 2 steps; agent a replays session a mod 3
    assertEquals(3, f.turnsOfTask(0, 10));
    assertEquals(4, f.turnsOfTask(1, 10));
    assertEquals(2, f.turnsOfTask(2, 10));
    assertEquals(3, f.turnsOfTask(3, 10));
    assertEquals(Duration.ofMillis(1400), f.thinkAfter(0, 0, Duration.ofSeconds(9)));
    assertEquals(Duration.ofMillis(1200), f.thinkAfter(1, 1, Duration.ofSeconds(9)));
    assertEquals(1, f.forAgentTurn(0, 0).imageCount(), "each step carries its screenshot");
  }

  @Test
  void recordedChatsGiveOneRequestPerUserTurnWithHistory() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("recorded-chats.json"), Map.of());
    RequestFactory f = new RequestFactory(s);
    String first = new String(f.forArrival(new Arrival(0, 0, 0, 0, 0)).body(), java.nio.charset.StandardCharsets.UTF_8);
    String second = new String(f.forArrival(new Arrival(1, 0, 0, 0, 1)).body(), java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(first.contains("For every layer"), first);
    // the second user turn of chat-1 re-sends the first turn and its recorded answer
    assertEquals(true, second.contains("What does the KV cache") && second.contains("For every layer")
        && second.contains("So why does a long shared system prompt"), second);
  }
}
