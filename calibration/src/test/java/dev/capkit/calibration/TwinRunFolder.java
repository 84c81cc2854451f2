package dev.capkit.calibration;

import dev.capkit.core.results.RequestLogWriter;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.StepRecorder;
import dev.capkit.core.results.TargetInfo;
import dev.capkit.core.scenario.RequestMix;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.twin.Arrival;
import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.VirtualRun;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Known-answer fixture: writes a run folder (results format v1, as the main job writes it) whose
 * "server" is the twin itself with coefficients the test chose, so calibration must give them back.
 * Poisson arrivals of the scenario's mix (log-normal prompts through median and p90), the warm-up
 * first, answers exactly {@code max_tokens} long. The target is labelled {@code measured} because
 * the fixture stands in for a real engine whose true coefficients are known; its URL says what it is.
 */
final class TwinRunFolder {
  static final Path SCENARIO = Path.of("src/test/resources/scenarios/known-answer.json");
  private static final Instant ORIGIN = Instant.parse("2026-12-02T06:00:00Z");

  private TwinRunFolder() {}

  static Path write(Path folder, ServingPlan plan, Map<String, String> overrides, long seed, boolean requestLog) throws IOException {
    return write(folder, SCENARIO, plan, overrides, seed, requestLog);
  }

  static Path write(Path folder, Path scenario, ServingPlan plan, Map<String, String> overrides, long seed, boolean requestLog)
      throws IOException {
    Scenario s = ScenarioLoader.load(scenario, overrides);
    ScenarioInfo info = ScenarioInfo.of(s);
    List<StepPlan> steps = s.steps();
    double warmup = s.load().leadIn().toMillis() / 1000.0;
    Random random = new Random(seed);
    List<Arrival> arrivals = new ArrayList<>();
    Map<String, Integer> stepOf = new HashMap<>();
    poisson(arrivals, s.mix(), steps.get(0).offered(), 0, warmup, random, "w-");
    for (StepPlan p : steps) {
      int before = arrivals.size();
      double start = warmup + p.start().toMillis() / 1000.0 - steps.get(0).start().toMillis() / 1000.0;
      poisson(arrivals, s.mix(), p.offered(), start, p.duration().toMillis() / 1000.0, random, "s" + p.index() + "-");
      for (int i = before; i < arrivals.size(); i++) {
        stepOf.put(arrivals.get(i).id(), p.index());
      }
    }
    long originMicros = ORIGIN.toEpochMilli() * 1000;
    List<RequestRecord> records = new VirtualRun(plan, seed, 1.0, Profile.PHYSICS, Integer.MAX_VALUE / 2)
        .run(arrivals, originMicros - Math.round(warmup * 1e6));
    Clock clock = Clock.fixed(ORIGIN, ZoneOffset.UTC);
    RunManifest manifest = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, folder.getFileName().toString(), info,
        new TargetInfo("virtual://known-answer-fixture", s.model(), "remote", plan.tier().id(), Map.of(), TargetInfo.MEASURED),
        Map.of("capkit", "test"), "microseconds", clock.instant().toString(), null, List.of(), List.of(), null);
    try (RunWriter w = RunWriter.create(folder, manifest, clock, false)) {
      RequestLogWriter log = requestLog
          ? RequestLogWriter.create(folder, manifest.runId(), steps.stream().map(StepPlan::id).toList()) : null;
      for (StepPlan p : steps) {
        StepRecorder r = w.startStep(p, s.slo());
        for (RequestRecord rec : records) {
          Integer step = stepOf.get(rec.requestId());
          if (step != null && step == p.index()) {
            r.record(rec);
            if (log != null) {
              log.ended(p.index(), rec);
            }
          }
        }
        w.finishStep(r, p.duration().toMillis() / 1000.0, true);
      }
      if (log != null) {
        log.close();
      }
      w.complete(RunManifest.COMPLETE, null);
    }
    return folder;
  }

  private static void poisson(List<Arrival> out, List<RequestMix> mix, double rate, double start, double duration, Random random,
      String prefix) {
    double total = mix.stream().mapToDouble(RequestMix::weight).sum();
    double t = start;
    int i = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / rate;
      if (t >= start + duration) {
        return;
      }
      double pick = random.nextDouble() * total;
      RequestMix k = mix.get(mix.size() - 1);
      for (RequestMix m : mix) {
        pick -= m.weight();
        if (pick < 0) {
          k = m;
          break;
        }
      }
      double median = k.promptTokens().median();
      double sigma = Math.log(k.promptTokens().p90() / median) / 1.2815515655;
      int prompt = (int) Math.max(8, Math.round(median * Math.exp(sigma * random.nextGaussian())));
      out.add(new Arrival(t, prefix + i++, k.kind(), prompt, 0, 0, k.maxTokens(), k.stream()));
    }
  }
}
