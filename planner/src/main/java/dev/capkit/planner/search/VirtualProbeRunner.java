package dev.capkit.planner.search;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.search.DesignEffect;
import dev.capkit.core.search.ObjectiveCheck;
import dev.capkit.core.search.ProbePlan;
import dev.capkit.core.search.ProbeRunner;
import dev.capkit.planner.predict.TierPredictor;
import dev.capkit.twin.Arrival;
import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.VirtualRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a capacity search's probes on the twin in virtual time (basis: predicted): each probe is a
 * fresh replica (idle, as after the drain a real search waits for), offered the scenario's mix as
 * seeded Poisson arrivals at the probe's rate for its warm-up and then its window
 * ({@link TierPredictor#arrivals}), through the same engine the emulator serves with. Only window
 * arrivals are judged. The window stops early at the instant an objective's violations reach the
 * probe's {@link ProbePlan#breakAt()} (a request past an E2E or TTFT limit counts from the moment
 * it is overdue, as a real run sees it). GPU time is warm-up + window (to the stop) + drain of what
 * was sent.
 *
 * <pre>{@code
 * SearchResult r = CapacitySearch.run(ObjectiveCheck.shares(checks), settings,
 *     new VirtualProbeRunner(plan, scenarioInfo, checks, 7));
 * }</pre>
 *
 * @param seed seeds every probe's arrivals (probe i uses seed * 1000 + i) and the twin's answers
 */
public record VirtualProbeRunner(ServingPlan plan, ScenarioInfo scenario, List<ObjectiveCheck> checks, long seed)
    implements ProbeRunner {
  static final int MAX_WAITING = 256;

  @Override
  public Measured run(ProbePlan p) {
    List<Arrival> arrivals = new TierPredictor(scenario, seed * 1000 + p.index())
        .arrivals(new double[] {p.rate(), p.rate()}, new double[] {Math.max(1e-3, p.warmupSeconds()), p.seconds()});
    List<RequestRecord> records = new VirtualRun(plan, seed * 1000 + p.index(), 1.0, Profile.PHYSICS, MAX_WAITING).run(arrivals, 0);
    double windowStart = p.warmupSeconds();
    List<double[]> events = new ArrayList<>(); // {time known, check index}
    long requests = 0;
    for (int i = 0; i < arrivals.size(); i++) {
      Arrival a = arrivals.get(i);
      if (a.offsetSeconds() < windowStart) {
        continue;
      }
      requests++;
      RequestRecord r = records.get(i);
      double done = a.offsetSeconds() + Math.max(0, r.e2eNanos()) / 1e9;
      for (int c = 0; c < checks.size(); c++) {
        ObjectiveCheck check = checks.get(c);
        if (check.violatedBy(r)) {
          long overdue = check.overdueAfterNanos();
          events.add(new double[] {overdue >= 0 ? a.offsetSeconds() + overdue / 1e9 : done, c});
        }
      }
    }
    events.sort(Comparator.comparingDouble(e -> e[0]));
    Map<String, Long> counts = new LinkedHashMap<>();
    double stop = Double.NaN;
    for (double[] e : events) {
      String key = checks.get((int) e[1]).share().key();
      long n = counts.merge(key, 1L, Long::sum);
      if (e[0] < windowStart + p.seconds() && n >= p.breakAt().getOrDefault(key, Long.MAX_VALUE)) {
        stop = e[0];
        break;
      }
    }
    boolean early = !Double.isNaN(stop);
    double sendEnd = early ? stop : windowStart + p.seconds();
    double drained = sendEnd;
    for (int i = 0; i < arrivals.size(); i++) {
      Arrival a = arrivals.get(i);
      if (a.offsetSeconds() < sendEnd) {
        drained = Math.max(drained, a.offsetSeconds() + Math.max(0, records.get(i).e2eNanos()) / 1e9);
      }
    }
    if (!early) {
      counts.clear();
      for (double[] e : events) {
        counts.merge(checks.get((int) e[1]).share().key(), 1L, Long::sum);
      }
    } else {
      requests = p.plannedRequests(); // the verdict stands for the whole planned window: counts only grow
    }
    return new Measured(requests, counts, drained, early, Map.of(), early ? 1 : designEffect(arrivals, records, windowStart));
  }

  /** The window's {@link DesignEffect} for the tightest request objective's share. */
  private double designEffect(List<Arrival> arrivals, List<RequestRecord> records, double windowStart) {
    List<double[]> window = new ArrayList<>();
    for (int i = 0; i < arrivals.size(); i++) {
      if (arrivals.get(i).offsetSeconds() >= windowStart) {
        window.add(new double[] {arrivals.get(i).offsetSeconds(), Math.max(0, records.get(i).e2eNanos()) / 1e9});
      }
    }
    return DesignEffect.of(window.stream().mapToDouble(w -> w[0]).toArray(), window.stream().mapToDouble(w -> w[1]).toArray(),
        checks.stream().mapToDouble(c -> c.share().allowed()).min().orElse(DesignEffect.MIN_SHARE));
  }

  /**
   * The ground truth for a workload: each objective's violating share over a long run at {@code rate}
   * (warm-up excluded), pooled over {@code seeds} replicas.
   */
  public Map<String, Double> longRunShares(double rate, double warmupSeconds, long requests, int seeds) {
    Map<String, Long> counts = new LinkedHashMap<>();
    long n = 0;
    for (int s = 0; s < seeds; s++) {
      List<Arrival> arrivals = new TierPredictor(scenario, 900_000 + seed * 100 + s)
          .arrivals(new double[] {rate, rate}, new double[] {warmupSeconds, requests / rate});
      List<RequestRecord> records = new VirtualRun(plan, 900_000 + seed * 100 + s, 1.0, Profile.PHYSICS, MAX_WAITING).run(arrivals, 0);
      for (int i = 0; i < arrivals.size(); i++) {
        if (arrivals.get(i).offsetSeconds() < warmupSeconds) {
          continue;
        }
        n++;
        for (ObjectiveCheck c : checks) {
          if (c.violatedBy(records.get(i))) {
            counts.merge(c.share().key(), 1L, Long::sum);
          }
        }
      }
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    for (ObjectiveCheck c : checks) {
      shares.put(c.share().key(), n == 0 ? Double.NaN : counts.getOrDefault(c.share().key(), 0L) / (double) n);
    }
    return shares;
  }
}
