package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end, in process: Gatling runs {@link CapkitSimulation} against the embedded
 * emulator on loopback, with short steps; the results folder is then read back with capkit's reader.
 */
class MainJobEndToEndTest {
  @TempDir
  Path dir;

  @RegisterExtension
  final InProcessMainJob mainJob = new InProcessMainJob();

  @Test
  void shortRunOnTheEmulatorWritesACompleteRun() throws IOException {
    int status = mainJob.run(dir, Map.of("capkit.qps", "3", "capkit.duration", "4s", "capkit.profile", "instant"));
    assertEquals(0, status, "objectives hold on the instant emulator");
    RunReader.Run run = InProcessMainJob.onlyRun(dir);
    assertEquals("complete", run.manifest().status());
    assertEquals("emulator", run.manifest().target().kind());
    assertEquals(5.0, run.manifest().scenario().warmupSeconds(), "the default warm-up ran and run.json says so");
    StepSummary step = run.steps().get(0);
    long planned = ArrivalSchedule.plan(ArrivalScheduleTest.quickstart(Map.of("qps", "3", "duration", "4s"))).size();
    assertEquals(planned, step.sent(), "every planned arrival was sent exactly once");
    assertEquals(step.sent(), step.ok());
    assertTrue(step.metric(Metric.TTFT).count() > 0);
    assertTrue(step.metric(Metric.SCHEDULE_LAG).max() < 1000, "open-loop lag measured: " + step.metric(Metric.SCHEDULE_LAG));
    assertTrue(Files.size(run.folder().resolve("steps").resolve(step.id()).resolve("e2e.hlog")) > 0);
    assertEquals(step.sent(), RunReader.histogram(run.folder(), step.id(), Metric.E2E).get("*").getTotalCount());
    assertTrue(step.slowest().get(0).requestId().length() > 8, "slowest requests keep their ids");
  }

  @Test
  void brokenStreamsAreCountedNotRetriedAndFailTheBuild() throws IOException {
    int status = mainJob.run(dir, Map.of("capkit.qps", "4", "capkit.duration", "4s", "capkit.profile", "instant",
        "capkit.brokenStreams", "0.5"));
    assertNotEquals(0, status, "the 1% error objective breaks");
    StepSummary step = InProcessMainJob.onlyRun(dir).steps().get(0);
    long broken = step.errors().getOrDefault("broken_stream", 0L);
    assertTrue(broken > 0, "broken streams counted: " + step.errors());
    assertEquals(step.sent(), step.ok() + step.errors().values().stream().mapToLong(Long::longValue).sum());
    long planned = ArrivalSchedule.plan(ArrivalScheduleTest.quickstart(Map.of("qps", "4", "duration", "4s"))).size();
    assertEquals(planned, step.sent(), "a broken stream is one failed request, never re-sent");
  }

  @Test
  void networkProfileIsInjectedPerStep() throws IOException {
    int status = mainJob.run(dir, Map.of("capkit.qps", "5", "capkit.duration", "3s", "capkit.profile", "instant",
        "capkit.network", "none,vpc-50ms"));
    assertEquals(0, status);
    RunReader.Run run = InProcessMainJob.onlyRun(dir);
    StepSummary direct = run.steps().get(0);
    StepSummary slow = run.steps().get(1);
    assertEquals("vpc-50ms", slow.network());
    assertTrue(slow.networkApplied());
    // vpc-50ms adds 50 ms of round trip; a streamed TTFT pays it at least once (plus a handshake RTT on new connections)
    double added = slow.metric(Metric.TTFT).p50() - direct.metric(Metric.TTFT).p50();
    assertTrue(added >= 45 && added < 200, "TTFT p50 rose by one RTT: +" + added + " ms");
    assertTrue(run.manifest().notes().stream().anyMatch(n -> n.contains("vpc-50ms")), "profile described in notes");
  }

  @Test
  void unknownNetworkProfileIsRefusedBeforeLoad() {
    // Gatling rethrows a simulation that cannot be built (mvn gatling:test then fails with the message)
    Throwable e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> mainJob.run(dir, Map.of("capkit.qps", "5", "capkit.duration", "3s", "capkit.network", "vpc-7ms")));
    while (!(e instanceof dev.capkit.core.scenario.ScenarioException) && e.getCause() != null) {
      e = e.getCause();
    }
    assertTrue(e.getMessage().startsWith("-Dcapkit.network") && e.getMessage().contains("vpc-20ms"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("runs")), "no run folder: refused before any load");
  }

  @Test
  void unmeetableObjectiveFailsTheRun() throws IOException {
    int status = mainJob.run(dir, Map.of("capkit.qps", "2", "capkit.duration", "3s", "capkit.slo.e2e.p99", "1ms"));
    assertNotEquals(0, status);
    StepSummary step = InProcessMainJob.onlyRun(dir).steps().get(0);
    assertTrue(step.slo().stream().anyMatch(v -> v.key().equals("e2e.p99") && !v.met()));
  }
}
