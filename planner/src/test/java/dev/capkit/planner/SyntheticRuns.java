package dev.capkit.planner;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.StepRecorder;
import dev.capkit.core.results.TargetInfo;
import dev.capkit.core.scenario.SloSet;
import dev.capkit.core.scenario.StepPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes real run folders (results format v1, through core's RunWriter) whose requests come from
 * an M/M/c queue with a known service rate: Poisson arrivals at each step's rate, c FCFS servers,
 * exponential service of mean 1/mu. TTFT = the queueing delay (time until a server takes the
 * request) + 1 ms, E2E = TTFT + service, so the analytic sustainable rate for {@code ttft.p99 <= t}
 * is {@link dev.capkit.planner.capacity.ErlangC#maxArrivalRate}.
 */
public final class SyntheticRuns {
  private SyntheticRuns() {}

  public static Path mmc(Path folder, String scenario, String tier, int servers, double mu, double[] rates, int requestsPerStep, long seed)
      throws IOException {
    return mmc(folder, scenario, tier, servers, mu, rates, requestsPerStep, seed, false);
  }

  /**
   * @param perSecond write one interval per simulated second, as a real run does (else one per step)
   */
  public static Path mmc(Path folder, String scenario, String tier, int servers, double mu, double[] rates, int requestsPerStep, long seed,
      boolean perSecond) throws IOException {
    List<ScenarioInfo.PlannedStep> planned = new ArrayList<>();
    List<StepPlan> plans = new ArrayList<>();
    double offset = 0;
    for (int i = 0; i < rates.length; i++) {
      double duration = requestsPerStep / rates[i];
      String id = String.format(java.util.Locale.ROOT, "s%02d-qps%.4g-none", i, rates[i]);
      planned.add(new ScenarioInfo.PlannedStep(i, id, rates[i], "qps", "none", offset, duration));
      plans.add(new StepPlan(i, id, rates[i], "qps", "none", Duration.ofMillis((long) (offset * 1000)),
          Duration.ofMillis((long) (duration * 1000))));
      offset += duration;
    }
    Map<String, Object> mix = new LinkedHashMap<>();
    mix.put("kind", "phone-step");
    mix.put("weight", 1.0);
    mix.put("type", "phone-step");
    mix.put("stream", true);
    mix.put("maxTokens", 3000);
    mix.put("screenshot", "1080x2400");
    mix.put("historyTurns", 2);
    mix.put("language", "en");
    Map<String, String> slo = new LinkedHashMap<>();
    slo.put("ttft.p99", "2s");
    ScenarioInfo info = new ScenarioInfo(scenario, "synthetic", seed, "autoglm-phone-9b", "open", "poisson", null, 0, planned,
        List.of(mix), slo, 0.01, false, Map.of("connect", "2s", "firstByte", "1m", "total", "3m"), 0, 0, 0);
    Map<String, String> emu = new LinkedHashMap<>();
    emu.put("tier", tier);
    emu.put("dtype", "bf16");
    RunManifest manifest = new RunManifest(1, RunManifest.RUNNING, folder.getFileName().toString(), info,
        new TargetInfo("http://synthetic", "autoglm-phone-9b", "remote", tier, emu), Map.of("capkit", "test"), "microseconds",
        "2026-01-01T00:00:00Z", null, List.of(), List.of(), null);
    long[] now = {Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()};
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now[0]);
      }
    };
    Random random = new Random(seed);
    try (RunWriter w = RunWriter.create(folder, manifest, clock, false)) {
      for (int i = 0; i < rates.length; i++) {
        StepRecorder step = w.startStep(plans.get(i), new SloSet(List.of(), 0.01, false));
        simulate(step, servers, mu, rates[i], requestsPerStep, random, i, perSecond ? w : null, now);
        w.finishStep(step, requestsPerStep / rates[i], true);
      }
      w.complete(RunManifest.COMPLETE, null);
    }
    return folder;
  }

  /** One step from an empty system; the first 10% of requests warm it up and are not recorded. */
  private static void simulate(StepRecorder step, int c, double mu, double lambda, int n, Random random, int stepIndex, RunWriter flushEverySecond,
      long[] clockMillis) {
    double nextFlush = 1;
    double firstT = -1;
    double[] free = new double[c];
    double t = 0;
    int warmup = n / 10;
    for (int k = 0; k < n + warmup; k++) {
      t += -Math.log(1 - random.nextDouble()) / lambda;
      int server = 0;
      for (int s = 1; s < c; s++) {
        if (free[s] < free[server]) {
          server = s;
        }
      }
      double start = Math.max(t, free[server]);
      double service = -Math.log(1 - random.nextDouble()) / mu;
      free[server] = start + service;
      if (k < warmup) {
        continue;
      }
      if (firstT < 0) {
        firstT = t;
      }
      // Requests are recorded at arrival (their latencies are known at once), so an interval holds the
      // requests that arrived in that simulated second.
      while (flushEverySecond != null && t - firstT >= nextFlush) {
        clockMillis[0] += 1000;
        flushEverySecond.flush();
        nextFlush += 1;
      }
      long ttft = Math.round((start - t + 0.001) * 1e9);
      long e2e = ttft + Math.round(service * 1e9);
      long[] itl = new long[0];
      step.record(new RequestRecord("r" + stepIndex + "-" + k, "", "phone-step", 0, 0, ttft, e2e, itl, 4256, 50, Outcome.OK, 200, ""));
    }
  }

  public static double[] scaled(double base, double... factors) {
    return Arrays.stream(factors).map(f -> base * f).toArray();
  }
}
