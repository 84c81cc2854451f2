package dev.capkit.simulations;

import dev.capkit.core.run.InjectorShare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.results.TargetInfo;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.core.scenario.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load generator that falls behind must not lose planned requests from the accounting: arrivals
 * of a step that closes before they were sent are counted there as {@code not_sent}, never sent
 * later into another step's window.
 */
class NotSentTest {
  @TempDir
  Path dir;

  @Test
  void everyArrivalIsEitherClaimedOrAbandonedNeverBoth() throws Exception {
    ArrivalSchedule s = ArrivalSchedule.plan(ArrivalScheduleTest.quickstart(Map.of("qps", "50", "duration", "4s")));
    List<Arrival> claimed = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> takers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        Arrival a;
        while ((a = s.take()) != null) {
          if (s.claim(a)) {
            claimed.add(a);
          }
        }
      });
      takers.add(th);
      th.start();
    }
    List<Arrival> abandoned = s.abandon(0); // races the takers
    for (Thread th : takers) {
      th.join();
    }
    assertEquals(s.size(), claimed.size() + abandoned.size(), "each arrival exactly once");
    for (Arrival a : abandoned) {
      assertFalse(claimed.contains(a));
      assertFalse(s.claim(a), "an abandoned arrival cannot be claimed afterwards");
    }
  }

  @Test
  void aStepThatClosesBeforeItsArrivalsWereSentCountsThemAsNotSent() throws Exception {
    Scenario base = ArrivalScheduleTest.quickstart(Map.of("qps", "10", "duration", "1s"));
    Scenario sc = new Scenario(base.name(), base.description(), base.source(), base.seed(), base.model(), base.emulator(),
        base.mix(), base.load(), base.networks(), base.slo(),
        new ClientTimeouts(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100)));
    ArrivalSchedule schedule = ArrivalSchedule.plan(sc);
    RunManifest m = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, "not-sent", ScenarioInfo.of(sc),
        new TargetInfo("http://127.0.0.1:1", sc.model(), "remote", "unlabelled", Map.of()), Map.of(), "microseconds",
        java.time.Instant.now().toString(), null, List.of(), List.of(), null);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (RunWriter writer = RunWriter.create(dir.resolve("run"), m, Clock.systemUTC(), true)) {
      LoadRun run = new LoadRun(sc, writer, new PrintStream(printed, true, StandardCharsets.UTF_8),
          new long[] {schedule.size()}, false);
      RequestSource source = new RequestSource(run, schedule, new RequestFactory(sc), null, InjectorShare.WHOLE);
      run.onStepClosing(source::abandonUnsent);
      // The injector sends one request and then stalls: nothing else is ever taken before the step closes.
      Arrival first = schedule.take();
      assertTrue(schedule.claim(first));
      run.register(first.step());
      run.startAt(System.nanoTime());
      run.record(first.step(), new dev.capkit.core.results.RequestRecord("r1", "", "phone-step", 0, 0, 1_000_000, 2_000_000,
          new long[0], 10, 5, dev.capkit.core.results.Outcome.OK, 200, ""));
      StepSummary step = run.awaitSteps(Duration.ofSeconds(10)).get(0);
      assertEquals(schedule.size(), step.sent(), "the step's requests add up to the plan");
      assertEquals(1, step.ok());
      assertEquals(Map.of("not_sent", (long) schedule.size() - 1), step.errors());
      assertTrue(printed.toString(StandardCharsets.UTF_8).contains("not_sent=" + (schedule.size() - 1)), printed.toString());
      // A stalled sender that wakes up later must not send into another step's window.
      assertEquals(null, source.plan(1, 0), "late arrivals of a closed step are not sent");
    }
  }
}
