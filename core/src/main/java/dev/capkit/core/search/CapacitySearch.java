package dev.capkit.core.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the sustainable rate (the highest offered load at which every objective holds) to a stated
 * precision, spending as little GPU time as it can:
 * <ol>
 *   <li><b>bracket</b>: from {@code startRate}, multiply a held rate (divide a broken one) by
 *       {@code growth} until one rate holds and a higher one is broken;
 *   <li><b>bisect</b> on a log scale until {@code (high - low) / (high + low) <= precision};
 *   <li>a rate whose probe is <b>undecided</b> gets another look (as many requests again, pooled)
 *       up to {@code maxLooks}. Still undecided, the rate is too close to the limit to tell apart
 *       with the requests a probe can afford: it narrows nothing, and the search keeps bisecting
 *       the gaps on either side of it; when those are within the precision the search stops and
 *       says the precision it reached.
 * </ol>
 * Each probe is sized from its rate, not a fixed duration: enough requests that the strictest
 * objective can be shown to hold ({@link ProbeJudge#requestsToHold}); it may stop early once an
 * objective is broken beyond doubt. The search stops before a probe that would exceed the GPU-time
 * budget and reports the precision it reached.
 *
 * <p>Why the interval has the stated confidence: by monotonicity the sustainable rate lies between
 * the final held rate and the final broken one whenever those two verdicts are right. Each is wrong
 * with probability at most {@code (1 - confidence) / 2} (spread over its looks, and for "broken"
 * over the objectives), so both are right with probability at least {@code confidence}.
 *
 * <pre>{@code
 * SearchResult r = CapacitySearch.run(objectives, SearchSettings.defaults(1.0), runner);
 * System.out.println(r.summary("req/s"));
 * }</pre>
 */
public final class CapacitySearch {
  private final List<ObjectiveShare> objectives;
  private final SearchSettings settings;
  private final List<ProbeResult> probes = new ArrayList<>();
  private final Map<Double, long[]> pooledRequests = new HashMap<>();
  private final Map<Double, Map<String, Long>> pooledViolations = new HashMap<>();
  private final Map<Double, Integer> looks = new HashMap<>();
  private double low = Double.NaN;
  private double high = Double.NaN;
  private double spent;
  private Double extend;
  private final java.util.TreeSet<Double> undecided = new java.util.TreeSet<>();
  private String stop;

  public CapacitySearch(List<ObjectiveShare> objectives, SearchSettings settings) {
    if (objectives.isEmpty()) {
      throw new IllegalArgumentException("a capacity search needs at least one objective");
    }
    this.objectives = List.copyOf(objectives);
    this.settings = settings;
  }

  /** Runs the whole search with {@code runner}. */
  public static SearchResult run(List<ObjectiveShare> objectives, SearchSettings settings, ProbeRunner runner) {
    CapacitySearch search = new CapacitySearch(objectives, settings);
    for (ProbePlan p = search.next(); p != null; p = search.next()) {
      search.record(p, runner.run(p));
    }
    return search.result();
  }

  /** Requests a probe's window needs for the strictest objective to be shown to hold. */
  public long requestsPerProbe() {
    double q = objectives.stream().mapToDouble(ObjectiveShare::allowed).min().orElseThrow();
    return ProbeJudge.requestsToHold(q, settings.alphaHolds(), settings.spare());
  }

  /** The next probe, or null when the search is over ({@link #result()} says why). */
  public ProbePlan next() {
    if (stop != null) {
      return null;
    }
    double rate;
    String phase;
    if (extend != null) {
      rate = extend;
      phase = "extend";
    } else if (Double.isNaN(low) && Double.isNaN(high) && undecided.isEmpty()) {
      rate = settings.startRate();
      phase = "bracket";
    } else if (Double.isNaN(high)) {
      // up from the highest rate that held or stayed undecided
      double from = Math.max(Double.isNaN(low) ? 0 : low, undecided.isEmpty() ? 0 : undecided.last());
      if (from >= settings.maxRate()) {
        return finish("nothing broke up to search.maxRate " + settings.maxRate());
      }
      rate = Math.min(settings.maxRate(), round(from * settings.growth()));
      phase = "bracket";
    } else if (Double.isNaN(low)) {
      // down from the lowest rate that broke or stayed undecided
      double from = Math.min(high, undecided.isEmpty() ? high : undecided.first());
      rate = round(from / settings.growth());
      if (rate <= 0 || rate >= from || from / settings.growth() < 1e-6) {
        return finish("no rate held down to " + from + " (lowest probed)");
      }
      phase = "bracket";
    } else {
      if (precision() <= settings.precision()) {
        return finish("precision reached");
      }
      rate = bisectionRate();
      if (Double.isNaN(rate)) {
        return finish(undecided.isEmpty() ? "no whole rate left between " + low + " and " + high
            : "rates " + undecided + " stayed undecided after " + settings.maxLooks() + " looks each (too close to the limit"
            + " to tell apart), and the gaps beside them are within the precision");
      }
      phase = "bisect";
    }
    double seconds = Math.min(settings.maxProbeSeconds(), Math.max(settings.minProbeSeconds(), requestsPerProbe() / rate));
    if (!probes.isEmpty() && spent + settings.warmupSeconds() + seconds > settings.budgetSeconds()) {
      return finish("GPU-time budget: the next probe (" + Math.round(settings.warmupSeconds() + seconds)
          + " s) would pass " + Math.round(settings.budgetSeconds()) + " s");
    }
    int look = looks.getOrDefault(rate, 0) + 1;
    Map<String, Long> breakAt = new LinkedHashMap<>();
    long planned = Math.max(1, Math.round(rate * seconds)) + pooledRequests.getOrDefault(rate, new long[1])[0];
    for (ObjectiveShare o : objectives) {
      breakAt.put(o.key(), ProbeJudge.violationsToBreak(planned, o.allowed(), alphaBroken())
          - pooledViolations.getOrDefault(rate, Map.of()).getOrDefault(o.key(), 0L));
    }
    return new ProbePlan(probes.size(), rate, settings.warmupSeconds(), seconds, phase, look, breakAt);
  }

  /** Takes a probe's measurement, judges its rate (pooled with earlier looks) and moves the bracket. */
  public ProbeResult record(ProbePlan plan, ProbeRunner.Measured m) {
    double rate = plan.rate();
    long[] n = pooledRequests.computeIfAbsent(rate, r -> new long[1]);
    n[0] += m.requests();
    Map<String, Long> v = pooledViolations.computeIfAbsent(rate, r -> new HashMap<>());
    m.violations().forEach((k, c) -> v.merge(k, c, Long::sum));
    int look = looks.merge(rate, 1, Integer::sum);
    spent += m.gpuSeconds();
    ProbeJudge.Judgement j = ProbeJudge.judge(objectives, n[0], v, settings.alphaHolds(), alphaBroken());
    List<String> reasons = new ArrayList<>(j.reasons());
    extend = null;
    switch (j.verdict()) {
      case HOLDS -> low = Double.isNaN(low) ? rate : Math.max(low, rate);
      case BROKEN -> high = Double.isNaN(high) ? rate : Math.min(high, rate);
      case UNDECIDED -> {
        if (look < settings.maxLooks()) {
          extend = rate;
        } else {
          reasons.add("undecided after " + look + " looks: too close to the limit to tell apart; narrows nothing");
          undecided.add(rate);
        }
      }
    }
    if (m.requests() == 0) {
      reasons.add("no request in the measured window");
    }
    ProbeResult r = new ProbeResult(plan, m.requests(), Map.copyOf(m.violations()), m.gpuSeconds(), m.stoppedEarly(),
        j.verdict(), List.copyOf(reasons));
    probes.add(r);
    if (!Double.isNaN(low) && !Double.isNaN(high) && low >= high) {
      // a rate held above one that broke: the objectives are not monotone in the rate at this precision
      finish("a higher rate (" + low + ") held than one that broke (" + high + "): results too noisy to bisect further");
    }
    return r;
  }

  /** The search's answer so far (final once {@link #next()} returned null). */
  public SearchResult result() {
    return new SearchResult(low, high, precision(), settings.precision(), settings.confidence(), spent,
        stop == null ? "still running" : stop, probes);
  }

  /**
   * The geometric middle of the wider of the gaps that can still narrow the interval: between the
   * held rate and the lowest undecided one, and between the highest undecided one and the broken
   * rate (NaN when both are within the precision, or no whole rate is left in them).
   */
  private double bisectionRate() {
    var inside = undecided.subSet(low, false, high, false);
    double a = inside.isEmpty() ? high : inside.first();
    double b = inside.isEmpty() ? low : inside.last();
    double lowerGap = (a - low) / (a + low);
    double upperGap = (high - b) / (high + b);
    boolean lower = lowerGap >= upperGap;
    double gap = lower ? lowerGap : upperGap;
    if (gap <= settings.precision() / 2 && !inside.isEmpty()) {
      return Double.NaN;
    }
    double rate = lower ? round(Math.sqrt(low * a)) : round(Math.sqrt(b * high));
    double from = lower ? low : b;
    double to = lower ? a : high;
    return rate <= from || rate >= to ? Double.NaN : rate;
  }

  private double precision() {
    return Double.isNaN(low) || Double.isNaN(high) ? Double.NaN : (high - low) / (high + low);
  }

  private double alphaBroken() {
    return settings.alphaBroken() / objectives.size();
  }

  private double round(double rate) {
    if (settings.whole()) {
      return Math.max(1, Math.round(rate));
    }
    double digits = Math.pow(10, Math.floor(Math.log10(rate)) - 2); // three significant digits
    return Math.round(rate / digits) * digits;
  }

  private ProbePlan finish(String why) {
    stop = why;
    return null;
  }
}
