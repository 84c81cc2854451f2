package dev.capkit.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.search.TaskObjective;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load.taskObjectives} of a closed-loop scenario. */
class TaskObjectiveFieldsTest {
  private static final Path FILE = Path.of("../scenarios/agents-search.json");

  @TempDir
  Path dir;

  @Test
  void agentsSearchHasPhoneAgentSessionsWorkloadAndTaskObjectives() {
    Scenario s = ScenarioLoader.load(FILE, Map.of());
    Scenario sessions = ScenarioLoader.load(Path.of("../scenarios/phone-agent-sessions.json"), Map.of());
    LoadShape.Closed c = (LoadShape.Closed) s.load();
    LoadShape.Closed base = (LoadShape.Closed) sessions.load();
    assertEquals(List.of(TaskObjective.time(95, Duration.ofSeconds(90)), TaskObjective.allStepsMet(0.90)), c.taskObjectives());
    assertEquals(base.thinkTime(), c.thinkTime());
    assertEquals(base.stepsPerTask(), c.stepsPerTask());
    assertEquals(sessions.mix(), s.mix());
    assertEquals(sessions.slo(), s.slo());
    assertTrue(s.search().whole());
    assertEquals(List.of(), base.taskObjectives(), "phone-agent-sessions sets none");
  }

  @Test
  void badTaskObjectivesNameFileFieldAndValue() throws IOException {
    assertRefused("\"task.p95\": \"90s\"", "\"task.p95\": \"soon\"", "load.taskObjectives.task.p95");
    assertRefused("\"task.p95\": \"90s\"", "\"task.p150\": \"90s\"", "percentile 150");
    assertRefused("\"task.p95\": \"90s\"", "\"task.mean\": \"90s\"", "'task.mean' is not a task objective");
    assertRefused("\"task.allStepsMet\": \"90%\"", "\"task.allStepsMet\": \"100%\"", "load.taskObjectives.task.allStepsMet");
    assertRefused("\"task.allStepsMet\": \"90%\"", "\"task.allStepsMet\": \"lots\"", "'lots' is not a share");
  }

  @Test
  void openLoopHasNoTaskObjectives() throws IOException {
    Path file = dir.resolve("open.json");
    Files.writeString(file, Files.readString(Path.of("../scenarios/capacity-search.json"))
        .replace("\"model\": \"open\",", "\"model\": \"open\", \"taskObjectives\": { \"task.p95\": \"90s\" },"));
    var e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file, Map.of()));
    assertTrue(e.getMessage().contains("load.taskObjectives") && e.getMessage().contains("unknown field"), e.getMessage());
  }

  private void assertRefused(String from, String to, String expected) throws IOException {
    Path file = dir.resolve("agents.json");
    String text = Files.readString(FILE);
    assertTrue(text.contains(from), from);
    Files.writeString(file, text.replace(from, to));
    var e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file, Map.of()));
    assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file.toString()), e.getMessage());
  }
}
