package dev.capkit.distributed;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.StepRecorder;
import dev.capkit.core.results.TargetInfo;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Writes run folders the way an injector does (RunWriter + StepRecorder), on a virtual clock. */
final class InjectorRuns {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private InjectorRuns() {}

  static Scenario scenario(Map<String, String> overrides) {
    return ScenarioLoader.load(Path.of("src/test/resources/fixture-scenario.json"), overrides);
  }

  /** A request sent at {@code atMillis} after the step start. */
  record Timed(long atMillis, RequestRecord record) {}

  /** Random records with several kinds, outcomes and heavy-tailed latencies, spread over {@code seconds}. */
  static List<Timed> records(SplittableRandom rng, int n, int seconds) {
    List<Timed> out = new ArrayList<>();
    String[] kinds = {"phone-step", "chat", "chat-blocking"};
    for (int i = 0; i < n; i++) {
      long ttft = 1_000_000L + (long) (rng.nextDouble() * rng.nextDouble() * 20_000_000_000L);
      int tokens = 1 + rng.nextInt(200);
      long tpot = 1_000_000L + rng.nextLong(50_000_000L);
      long e2e = ttft + tpot * (tokens - 1);
      long[] itl = new long[Math.max(0, tokens - 1)];
      for (int j = 0; j < itl.length; j++) {
        itl[j] = 500_000L + rng.nextLong(100_000_000L);
      }
      int o = rng.nextInt(30);
      Outcome outcome = o == 0 ? Outcome.BROKEN_STREAM : o == 1 ? Outcome.HTTP_ERROR : Outcome.OK;
      RequestRecord r = new RequestRecord("req-" + i, String.format("%032x", i), kinds[rng.nextInt(kinds.length)],
          T0.toEpochMilli() * 1000, rng.nextLong(3_000_000_000L), ttft, e2e, itl, 100 + rng.nextInt(4000), tokens,
          outcome, outcome == Outcome.HTTP_ERROR ? 503 : 200, outcome.isSuccess() ? "" : "test");
      out.add(new Timed(rng.nextLong(seconds * 1000L), r));
    }
    out.sort(java.util.Comparator.comparingLong(Timed::atMillis));
    return out;
  }

  /**
   * Writes a one-step run of {@code scenario} into {@code folder}: the injector starts at
   * {@code T0 + offsetMillis} and flushes every {@code flushMillis}, as the writer's timer does.
   */
  static Path write(Path folder, Scenario scenario, List<Timed> records, long offsetMillis, long flushMillis,
      int seconds) throws IOException {
    ManualClock clock = new ManualClock(T0.toEpochMilli() + offsetMillis);
    RunManifest m = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, folder.getFileName().toString(),
        ScenarioInfo.of(scenario), new TargetInfo("http://127.0.0.1:8000", "autoglm-phone-9b", "remote", "t", Map.of()),
        Map.of("java", "17"), "microseconds", clock.instant().toString(), null, List.of(), List.of(), null);
    long start = clock.millis();
    try (RunWriter w = RunWriter.create(folder, m, clock, false)) {
      StepPlan plan = scenario.steps().get(0);
      StepRecorder rec = w.startStep(plan, scenario.slo());
      long nextFlush = start + flushMillis;
      for (Timed t : records) {
        while (start + t.atMillis() >= nextFlush) {
          clock.set(nextFlush);
          w.flush();
          nextFlush += flushMillis;
        }
        rec.record(t.record());
      }
      clock.set(start + seconds * 1000L);
      w.finishStep(rec, seconds, true);
      w.complete(RunManifest.COMPLETE, null);
    }
    return folder;
  }

  /** Splits records round-robin-at-random over n injectors. */
  static List<List<Timed>> split(List<Timed> all, int n, SplittableRandom rng) {
    List<List<Timed>> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add(new ArrayList<>());
    }
    for (Timed t : all) {
      parts.get(rng.nextInt(n)).add(t);
    }
    return parts;
  }

  static String describe(long[] v) {
    return Arrays.toString(v);
  }
}
