package dev.capkit.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.gate.stats.CountSeries;
import dev.capkit.gate.stats.SecondSeries;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * The figures {@link RunFigures#ofRun} reads from a {@link VirtualRunFolder}, computed in memory from
 * the same simulated records: what the run writer would record (values as {@code StepRecorder}
 * records them, each request in the second it completed), without writing and reading 7 interval logs
 * of 50 one-second intervals. The calibration makes hundreds of runs; {@code VirtualRunFiguresTest}
 * checks these figures equal the ones read from the written folder.
 *
 * <pre>{@code
 * RunFigures f = VirtualRunFigures.of("gate-smoke", Map.of("qps", "12"), 1001, 1.0);
 * }</pre>
 */
final class VirtualRunFigures {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, ToLongFunction<RequestRecord>> METRICS = Map.of(
      "e2e", RequestRecord::e2eNanos, "ttft", RequestRecord::ttftNanos, "tpot", RequestRecord::tpotNanos);

  private VirtualRunFigures() {}

  static RunFigures of(String scenario, Map<String, String> overrides, long seed, double slowdown) throws IOException {
    VirtualRunFolder.Simulated sim = VirtualRunFolder.simulate(scenario, overrides, seed, slowdown);
    List<StepFigures> steps = new ArrayList<>();
    for (StepPlan p : sim.steps()) {
      steps.add(step(sim, p));
    }
    return new RunFigures("virtual:" + scenario + "@" + seed, "virtual", RunFigures.identity(sim.info(), sim.target()), false, steps,
        Workload.of(sim.info(), JSON.valueToTree(sim.target())));
  }

  private static StepFigures step(VirtualRunFolder.Simulated sim, StepPlan p) {
    long start = sim.stepStartMillis(p.index());
    Map<String, long[]> counts = new TreeMap<>(); // kind -> sent, ok
    Map<String, Map<String, List<long[]>>> values = new TreeMap<>(); // kind -> metric -> per second: micros
    Map<String, Integer> lastSecond = new TreeMap<>(); // metric -> last second with a value (any kind)
    long good = 0;
    Map<String, List<long[]>> perSecondCounts = new TreeMap<>(); // kind -> per second: sent, ok, good (counts.csv)
    int lastCounted = -1;
    for (RequestRecord r : sim.recordsOf(p.index())) {
      long[] c = counts.computeIfAbsent(r.kind(), k -> new long[2]);
      c[0]++;
      int second = (int) Math.max(0, Math.floorDiv(VirtualRunFolder.completionMicros(r) / 1000 - start, 1000L));
      List<long[]> kindSeconds = perSecondCounts.computeIfAbsent(r.kind(), k -> new ArrayList<>());
      while (kindSeconds.size() <= second) {
        kindSeconds.add(new long[3]);
      }
      lastCounted = Math.max(lastCounted, second);
      boolean met = sim.scenario().slo().met(r);
      kindSeconds.get(second)[0]++;
      kindSeconds.get(second)[1] += r.ok() ? 1 : 0;
      kindSeconds.get(second)[2] += met ? 1 : 0;
      if (!r.ok()) {
        continue;
      }
      c[1]++;
      if (met) {
        good++;
      }
      for (var m : METRICS.entrySet()) {
        long nanos = m.getValue().applyAsLong(r);
        if (nanos >= 0) {
          List<long[]> seconds = values.computeIfAbsent(r.kind(), k -> new TreeMap<>()).computeIfAbsent(m.getKey(), k -> new ArrayList<>());
          while (seconds.size() <= second) {
            seconds.add(new long[0]);
          }
          long[] old = seconds.get(second);
          long[] grown = java.util.Arrays.copyOf(old, old.length + 1);
          grown[old.length] = Math.max(1, Math.min(3_600_000_000L, (nanos + 500) / 1000)); // StepRecorder's micros
          seconds.set(second, grown);
          lastSecond.merge(m.getKey(), second, Math::max);
        }
      }
    }
    Map<String, KindFigures> kinds = new LinkedHashMap<>();
    long sent = 0;
    long ok = 0;
    for (var e : counts.entrySet()) {
      Map<String, Histogram> hs = new LinkedHashMap<>();
      Map<String, SecondSeries> perSecond = new LinkedHashMap<>();
      for (var m : values.getOrDefault(e.getKey(), Map.of()).entrySet()) {
        List<long[]> seconds = new ArrayList<>(m.getValue());
        while (seconds.size() <= lastSecond.get(m.getKey())) {
          seconds.add(new long[0]);
        }
        SecondSeries series = SecondSeries.ofValues(seconds);
        Histogram h = RunFigures.newHistogram();
        for (long[] second : seconds) {
          for (long v : second) {
            h.recordValue(v);
          }
        }
        hs.put(m.getKey(), h);
        perSecond.put(m.getKey(), series);
      }
      List<long[]> kindSeconds = perSecondCounts.get(e.getKey());
      long[][] cs = new long[3][lastCounted + 1];
      for (int s = 0; s < kindSeconds.size(); s++) {
        for (int i = 0; i < 3; i++) {
          cs[i][s] = kindSeconds.get(s)[i];
        }
      }
      kinds.put(e.getKey(), new KindFigures(e.getValue()[0], e.getValue()[1], hs, perSecond, CountSeries.of(cs[0], cs[1], cs[2])));
      sent += e.getValue()[0];
      ok += e.getValue()[1];
    }
    double window = p.duration().toMillis() / 1000.0;
    return new StepFigures(p.id(), p.offered(), p.unit(), p.network(), window, sent, ok, good, kinds); // counted exactly, as counts.csv
  }
}
