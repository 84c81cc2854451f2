package dev.capkit.gate;

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
import dev.capkit.twin.Arrival;
import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.VirtualRun;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.planner.predict.TierPredictor;
import dev.capkit.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes a run folder (results format v1) the way the main job would, but in the emulator's virtual
 * time: the scenario (with the same overrides as {@code -Dcapkit.*}), the planner's seeded Poisson
 * arrivals of its mix, {@link VirtualRun} with the given slowdown, {@link RunWriter} on a fixed
 * clock. Same arguments give the same histograms; a run of a few hundred requests takes well under
 * a second, so tests and the calibration can make hundreds.
 *
 * <pre>{@code
 * Path run = VirtualRunFolder.write(tmp.resolve("a"), "smoke", Map.of("qps", "4", "duration", "90s"), 7, 1.2);
 * }</pre>
 */
public final class VirtualRunFolder {
  static final Path SCENARIOS = Path.of("../scenarios");
  private static final Catalog CATALOG = Catalog.load(null);

  private VirtualRunFolder() {}

  static long completionMicros(RequestRecord r) {
    return r.startEpochMicros() + Math.max(0, r.e2eNanos()) / 1000;
  }

  /** One simulated run: the effective scenario, its steps, and every request's record in virtual time from {@code originMillis}. */
  record Simulated(Scenario scenario, ScenarioInfo info, double[] durations, List<RequestRecord> records, TargetInfo target,
      long originMillis) {
    List<StepPlan> steps() {
      return scenario.steps();
    }

    /** When step {@code index} starts: its arrivals' time base (the sum of the steps before it). */
    long stepStartMillis(int index) {
      long t = originMillis;
      for (int i = 0; i < index; i++) {
        t += Math.round(durations[i] * 1000);
      }
      return t;
    }

    /** The records of step {@code index}, by completion time. */
    List<RequestRecord> recordsOf(int index) {
      String prefix = "v" + index + "-";
      return records.stream().filter(r -> r.requestId().startsWith(prefix)).toList();
    }
  }

  /** @param seed seeds the arrivals and the emulated answers (recorded as the run's seed) */
  static Simulated simulate(String scenario, Map<String, String> overrides, long seed, double slowdown) throws IOException {
    Map<String, String> o = new java.util.TreeMap<>(overrides);
    o.put("seed", Long.toString(seed));
    Scenario s = ScenarioLoader.load(ScenarioLoader.resolve(scenario, SCENARIOS), o);
    ScenarioInfo info = ScenarioInfo.of(s);
    List<StepPlan> steps = s.steps();
    double[] rates = new double[steps.size()];
    double[] durations = new double[steps.size()];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = steps.get(i).offered();
      durations[i] = steps.get(i).duration().toMillis() / 1000.0;
    }
    List<Arrival> arrivals = new TierPredictor(info, seed).arrivals(rates, durations);
    ServingPlan plan;
    try {
      plan = ServingPlan.resolve(CATALOG, s.emulator().tier(), s.model(), Dtype.parse(s.emulator().dtype()), 0);
    } catch (dev.capkit.twin.ServingRefusedException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    long origin = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    List<RequestRecord> records = new ArrayList<>(new VirtualRun(plan, seed, slowdown, Profile.parse(s.emulator().profile()), 256)
        .run(arrivals, origin * 1000));
    records.sort(Comparator.comparingLong(VirtualRunFolder::completionMicros));
    TargetInfo target = new TargetInfo("virtual://emulator", s.model(), "emulator", s.emulator().tier(),
        Map.of("slowdown", Double.toString(slowdown)));
    return new Simulated(s, info, durations, records, target, origin);
  }

  /** @param seed seeds the arrivals and the emulated answers (recorded as the run's seed) */
  public static Path write(Path folder, String scenario, Map<String, String> overrides, long seed, double slowdown) throws IOException {
    Simulated sim = simulate(scenario, overrides, seed, slowdown);
    ManualClock clock = new ManualClock(sim.originMillis());
    RunManifest manifest = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, folder.getFileName().toString(), sim.info(),
        sim.target(), Map.of("capkit", "test"), "microseconds", clock.instant().toString(), null, List.of(), List.of(), null);
    try (RunWriter w = RunWriter.create(folder, manifest, clock, false)) {
      for (StepPlan p : sim.steps()) {
        long stepStart = sim.stepStartMillis(p.index());
        clock.set(stepStart);
        StepRecorder r = w.startStep(p, sim.scenario().slo());
        long second = stepStart; // the writer's flush every second, in virtual time: completions land in their second
        for (RequestRecord rec : sim.recordsOf(p.index())) {
          long done = completionMicros(rec) / 1000;
          while (done >= second + 1000) {
            second += 1000;
            clock.set(second);
            w.flush();
          }
          r.record(rec);
        }
        clock.set(second + 1000);
        w.finishStep(r, sim.durations()[p.index()], true);
      }
      w.complete(RunManifest.COMPLETE, null);
    }
    return folder;
  }
}
