package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RequestLogReader;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded workloads through the main job: Gatling runs {@link CapkitSimulation} with the shipped
 * example scenarios against the embedded emulator (instant profile), and the run folder (format v1)
 * is read back: a Mooncake trace replayed open loop at its own timing sped up, and recorded phone
 * sessions with real screenshot files replayed closed loop.
 */
class RecordedWorkloadMainJobTest {
  @TempDir
  Path dir;

  @RegisterExtension
  final InProcessMainJob mainJob = new InProcessMainJob();

  @Test
  void mooncakeTraceReplaysEveryLineOpenLoopJudgedFromItsIntendedTime() throws IOException {
    // speed 6: the 25 s example trace in ~4.3 s; every one of its 120 lines is one request
    int status = mainJob.run(dir, Map.of("capkit.scenario", "trace-mooncake", "capkit.speed", "6", "capkit.profile", "instant"));
    assertEquals(0, status);
    RunReader.Run run = InProcessMainJob.onlyRun(dir);
    assertEquals("complete", run.manifest().status());
    assertEquals("trace(mooncake, 120 lines, speed 6)", run.manifest().scenario().arrivals());
    assertEquals("open", run.manifest().scenario().loadModel());
    StepSummary step = run.steps().get(0);
    assertEquals(120, step.sent(), "one request per trace line");
    assertEquals(120, step.ok());
    assertEquals(120, step.metric(Metric.SCHEDULE_LAG).count(), "every send's lag from its trace time is recorded");
    // coordinated omission: the judged TTFT is measured from the intended (trace) time, so it is never below TTFT
    assertTrue(step.metric(Metric.TTFT_INTENDED).max() >= step.metric(Metric.TTFT).max());
    assertEquals(step.metric(Metric.TTFT).count(), step.metric(Metric.TTFT_INTENDED).count());
    assertTrue(step.kinds().get("trace").promptTokens() > 120 * 1000, "prompts of the trace's lengths (input_length"
        + " 400..3584 tokens): " + step.kinds().get("trace").promptTokens());
  }

  @Test
  void recordedSessionsWithRealScreenshotsDriveClosedLoopAgents() throws IOException {
    int status = mainJob.run(dir, Map.of("capkit.scenario", "recorded-sessions", "capkit.duration", "6s", "capkit.profile", "instant",
        "capkit.warmup", "0s", "capkit.requestLog", "true"));
    assertEquals(0, status);
    RunReader.Run run = InProcessMainJob.onlyRun(dir);
    assertEquals("closed", run.manifest().scenario().loadModel());
    StepSummary step = run.steps().get(0);
    assertTrue(step.sent() >= 4, "2 agents with ~1 s recorded think times over 6 s: " + step.sent());
    assertEquals(step.sent(), step.ok());
    // the emulator counts image tokens from each screenshot's real size: the recording's PNG (1080x2400) and
    // JPEG (720x1600, 1080x2340) screenshots give different prompt lengths
    Set<Integer> promptTokens = new TreeSet<>();
    for (RequestLogReader.Entry e : RequestLogReader.read(run.folder()).orElseThrow()) {
      promptTokens.add(e.record().promptTokens());
    }
    assertTrue(promptTokens.size() >= 2, "prompt lengths of different screenshots: " + promptTokens);
    assertTrue(promptTokens.stream().allMatch(t -> t > 1000), "every step carried a screenshot: " + promptTokens);
  }
}
