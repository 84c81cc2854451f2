package dev.capkit.core.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the sustainable rate (the highest offered load at which every objective holds) to a stated
 * precision, spending as little GPU time as it can. Two kinds of probe:
 * <ul>
 *   <li><b>scouts</b>, short ({@code scoutRequests} requests), only point the way: a scout is "over"
 *       when an objective's violating share in it exceeds the allowed share (or it was stopped as
 *       broken beyond doubt), else "under". Scouts bracket from {@code startRate} (x or / by
 *       {@code growth}) and bisect on a log scale until {@code (over - under) / (over + under) <= precision};
 *   <li><b>verdicts</b>, long enough that the strictest objective can be shown to hold
 *       ({@link ProbeJudge#requestsToHold}, so length comes from the rate), confirm the interval's ends:
 *       the highest "under" must <i>hold</i> and the lowest "over" must be <i>broken</i> at the stated
 *       confidence. A verdict that disagrees with its scout, or stays undecided, moves that end out by
 *       one precision step and is tried again (at most {@code maxLooks} tries per end).
 * </ul>
 * A probe that is clearly over stops early ({@link ProbePlan#breakAt()}: the violations that make the
 * whole probe's verdict "broken"), so over-rate probes are cheap. The search stops before a probe
 * that would pass the GPU-time budget, and then says which precision it reached.
 *
 * <p>Why the interval has the stated confidence: by monotonicity the sustainable rate lies between
 * the confirmed held rate and the confirmed broken one whenever those two verdicts are right. Each
 * end has at most {@code maxLooks} verdict tries, each wrong with probability at most
 * {@code (1 - confidence) / 2 / maxLooks} ("broken" further split over the objectives), so both ends
 * are right with probability at least {@code confidence}. Scouts never enter the interval.
 *
 * <p>Clustered requests. The binomial verdicts assume independent requests; near saturation slow
 * requests come in bursts (a queue builds and every request behind it is slow), and a window that
 * ran through a calm stretch looks held although the long-run share is over the allowance. So a
 * verdict probe is judged on Kish's effective sample ({@link ProbeJudge}: {@code n / deff} requests,
 * {@code v / deff} violations), deff = the larger of its own window's {@link DesignEffect} and the
 * one it was planned with (at most {@link #MAX_DESIGN_EFFECT}); the next verdict window is planned
 * that many times longer, and its early-stop threshold that much higher, from the latest complete
 * verdict probe's design effect. The confidence then holds for the effective samples; it costs load
 * time by about the design effect, and when the budget runs out first the search says how far it got.
 *
 * <pre>{@code
 * SearchResult r = CapacitySearch.run(objectives, SearchSettings.defaults(1.0), runner);
 * System.out.println(r.summary("req/s"));
 * }</pre>
 */
public final class CapacitySearch {
  /** The most a verdict window is lengthened for clustered requests (and the largest design effect applied). */
  public static final double MAX_DESIGN_EFFECT = 10;
  private final List<ObjectiveShare> objectives;
  private final SearchSettings settings;
  private final List<ProbeResult> probes = new ArrayList<>();
  private final Map<String, Integer> tries = new HashMap<>();
  private double under = Double.NaN;
  private double over = Double.NaN;
  private double low = Double.NaN;
  private double high = Double.NaN;
  private double spent;
  private String stop;
  private boolean confirming;
  /** Design effect the next verdict probe is sized and judged with: the latest complete verdict probe's (1 before any). */
  private double clustering = 1;
  private final java.util.function.DoubleUnaryOperator requestRate;
  /** Per objective key, requests per unit it is judged on (task objectives: steps per task); absent: 1. */
  private final Map<String, Integer> requestsPerUnit;

  /** An open-loop search: the load is the request rate. */
  public CapacitySearch(List<ObjectiveShare> objectives, SearchSettings settings) {
    this(objectives, settings, rate -> rate);
  }

  /**
   * @param requestRate requests per second the load offers (closed loop: agents / (response + think
   *                    time), an estimate); probe windows are sized from it to hold their requests
   */
  public CapacitySearch(List<ObjectiveShare> objectives, SearchSettings settings, java.util.function.DoubleUnaryOperator requestRate) {
    this(objectives, settings, requestRate, Map.of());
  }

  /**
   * @param requestsPerUnit per objective key, requests per unit the objective is judged on (a task
   *                        objective counts tasks of {@code stepsPerTask} steps); absent keys: 1. Verdict
   *                        windows hold enough requests for every objective's units, and early-stop
   *                        thresholds count units
   */
  public CapacitySearch(List<ObjectiveShare> objectives, SearchSettings settings, java.util.function.DoubleUnaryOperator requestRate,
      Map<String, Integer> requestsPerUnit) {
    if (objectives.isEmpty()) {
      throw new IllegalArgumentException("a capacity search needs at least one objective");
    }
    this.objectives = List.copyOf(objectives);
    this.settings = settings;
    this.requestRate = requestRate;
    this.requestsPerUnit = Map.copyOf(requestsPerUnit);
  }

  /** Runs the whole search with {@code runner}, probe windows sized by {@code requestRate}. */
  public static SearchResult run(List<ObjectiveShare> objectives, SearchSettings settings,
      java.util.function.DoubleUnaryOperator requestRate, ProbeRunner runner) {
    CapacitySearch search = new CapacitySearch(objectives, settings, requestRate);
    for (ProbePlan p = search.next(); p != null; p = search.next()) {
      search.record(p, runner.run(p));
    }
    return search.result();
  }

  /** Runs the whole search with {@code runner}. */
  public static SearchResult run(List<ObjectiveShare> objectives, SearchSettings settings, ProbeRunner runner) {
    return run(objectives, settings, rate -> rate, runner);
  }

  /** Requests a verdict probe needs for every objective (the strictest, counted in its units) to be shown to hold. */
  public long requestsPerProbe() {
    long most = 0;
    for (ObjectiveShare o : objectives) {
      most = Math.max(most, ProbeJudge.requestsToHold(o.allowed(), settings.alphaHolds(), settings.spare()) * unit(o.key()));
    }
    return most;
  }

  /** Requests per unit objective {@code key} is judged on (1 for step objectives). */
  public int unit(String key) {
    return requestsPerUnit.getOrDefault(key, 1);
  }

  /** The next probe, or null when the search is over ({@link #result()} says why). */
  public ProbePlan next() {
    if (stop != null) {
      return null;
    }
    double rate;
    String phase;
    if (Double.isNaN(under) && Double.isNaN(over)) {
      rate = settings.startRate();
      phase = "scout";
    } else if (Double.isNaN(over)) {
      if (under >= settings.maxRate()) {
        return finish("nothing was over up to search.maxRate " + settings.maxRate());
      }
      rate = Math.min(settings.maxRate(), round(under * settings.growth()));
      phase = "scout";
    } else if (Double.isNaN(under)) {
      rate = round(over / settings.growth());
      if (rate >= over || over / settings.growth() < 1e-6) {
        return finish("every rate down to " + over + " was over");
      }
      phase = "scout";
    } else if (!confirming && gap(under, over) > settings.precision() && !Double.isNaN(bisect())) {
      rate = bisect();
      phase = "scout";
    } else if (Double.isNaN(low)) {
      rate = under;
      phase = "verdict-low";
    } else if (Double.isNaN(high)) {
      rate = over;
      phase = "verdict-high";
    } else {
      return finish(met() ? "precision reached" : "interval confirmed at the precision the verdicts allowed");
    }
    if (phase.startsWith("verdict") && tries.getOrDefault(phase, 0) >= settings.maxLooks()) {
      return finish("the " + (phase.equals("verdict-low") ? "held" : "broken") + " end stayed unconfirmed after "
          + settings.maxLooks() + " verdict probes");
    }
    boolean verdict = phase.startsWith("verdict");
    confirming |= verdict;
    double deff = verdict ? clustering : 1;
    double requests = verdict ? requestsPerProbe() * deff : settings.scoutRequests();
    double perSecond = requestRate.applyAsDouble(rate);
    double seconds = Math.min(settings.maxProbeSeconds(), Math.max(settings.minProbeSeconds(), requests / perSecond));
    if (spent + settings.warmupSeconds() + seconds > settings.budgetSeconds()) { // the first probe too: a budget is a budget
      return finish("GPU-time budget: the " + (probes.isEmpty() ? "first" : "next") + " probe (" + Math.round(settings.warmupSeconds() + seconds)
          + " s) would pass " + Math.round(settings.budgetSeconds()) + " s");
    }
    long planned = Math.max(1, Math.round(perSecond * seconds));
    Map<String, Long> breakAt = new LinkedHashMap<>();
    for (ObjectiveShare o : objectives) {
      long units = Math.max(1, planned / unit(o.key()));
      // counted among requests: clustered by deff (the effective sample's threshold, scaled back); among tasks: as they come
      breakAt.put(o.key(), unit(o.key()) == 1
          ? (long) Math.ceil(deff * ProbeJudge.violationsToBreak(Math.max(1, (long) Math.floor(units / deff)), o.allowed(), alphaBroken()))
          : ProbeJudge.violationsToBreak(units, o.allowed(), alphaBroken()));
    }
    return new ProbePlan(probes.size(), rate, settings.warmupSeconds(), seconds, phase,
        verdict ? tries.getOrDefault(phase, 0) + 1 : 1, breakAt, planned, deff);
  }

  /** Takes a probe's measurement and moves the scouts' bracket or the confirmed interval. */
  public ProbeResult record(ProbePlan plan, ProbeRunner.Measured m) {
    spent += m.gpuSeconds();
    double rate = plan.rate();
    boolean verdictProbe = !plan.phase().equals("scout");
    // A verdict counts its requests as clustered as the worse of what this window showed and what the
    // plan assumed (an early stop was planned with the assumed one); a scout takes them as they come.
    double deff = verdictProbe ? Math.min(MAX_DESIGN_EFFECT, Math.max(plan.designEffect(), m.stoppedEarly() ? 1 : m.designEffect())) : 1;
    ProbeJudge.Judgement j = ProbeJudge.judge(objectives, m.requests(), m.judged(), m.violations(), settings.alphaHolds(),
        alphaBroken(), deff);
    List<String> reasons = new ArrayList<>(j.reasons());
    if (verdictProbe) {
      reasons.add(String.format(java.util.Locale.ROOT, "design effect %.1f applied (window %s, planned %.1f): %d requests judged as %d"
          + " independent ones", deff, m.stoppedEarly() ? "stopped early" : String.format(java.util.Locale.ROOT, "%.1f", m.designEffect()),
          plan.designEffect(), m.requests(), (long) Math.floor(m.requests() / deff)));
      if (!m.stoppedEarly()) {
        clustering = Math.min(MAX_DESIGN_EFFECT, Math.max(1, m.designEffect()));
      }
    }
    double step = (1 + settings.precision()) / (1 - settings.precision());
    if (plan.phase().equals("scout")) {
      boolean isOver = m.stoppedEarly() || j.verdict() == Verdict.BROKEN || overShare(m);
      reasons.add(0, "scout: " + (isOver ? "over" : "under"));
      if (isOver) {
        over = Double.isNaN(over) ? rate : Math.min(over, rate);
      } else {
        under = Double.isNaN(under) ? rate : Math.max(under, rate);
      }
      if (!Double.isNaN(under) && !Double.isNaN(over) && under >= over) {
        under = round(over / step); // noisy scouts crossed: restart the lower end one step below
      }
    } else {
      int tried = tries.merge(plan.phase(), 1, Integer::sum);
      boolean lowEnd = plan.phase().equals("verdict-low");
      switch (j.verdict()) {
        case HOLDS -> {
          low = Double.isNaN(low) ? rate : Math.max(low, rate);
          if (!lowEnd) { // the "over" scout was wrong: the upper end moves up
            under = rate;
            over = round(rate * step);
            high = Double.NaN;
          }
        }
        case BROKEN -> {
          high = Double.isNaN(high) ? rate : Math.min(high, rate);
          if (lowEnd) { // the "under" scout was wrong: the lower end moves down
            over = rate;
            under = round(rate / step);
            low = Double.NaN;
          }
        }
        case UNDECIDED -> {
          // each retry moves further out (1, 2, 3 precision steps): near the limit a verdict needs ever more requests
          double out = Math.pow(step, tried);
          reasons.add("undecided: the " + (lowEnd ? "lower end moves down" : "upper end moves up") + " " + tried
              + " precision step(s)");
          if (lowEnd) {
            under = round(rate / out);
          } else {
            over = round(rate * out);
          }
        }
      }
    }
    ProbeResult r = new ProbeResult(plan, m.requests(), m.violations(), m.gpuSeconds(), m.stoppedEarly(),
        j.verdict(), List.copyOf(reasons));
    probes.add(r);
    return r;
  }

  /** The scouts' bracket so far: highest rate seen under (NaN: none yet). */
  public double under() {
    return under;
  }

  /** The scouts' bracket so far: lowest rate seen over (NaN: none yet). */
  public double over() {
    return over;
  }

  public SearchSettings settings() {
    return settings;
  }

  public List<ObjectiveShare> objectives() {
    return objectives;
  }

  /** The search's answer so far (final once {@link #next()} returned null). */
  public SearchResult result() {
    return new SearchResult(low, high, precision(), settings.precision(), settings.confidence(), spent,
        stop == null ? "still running" : stop, probes);
  }

  private boolean overShare(ProbeRunner.Measured m) {
    for (ObjectiveShare o : objectives) {
      if (m.violations().getOrDefault(o.key(), 0L) > o.allowed() * m.judged(o.key())) {
        return true;
      }
    }
    return false;
  }

  private boolean met() {
    return precision() <= settings.precision();
  }

  private double bisect() {
    double rate = round(Math.sqrt(under * over));
    return rate <= under || rate >= over ? Double.NaN : rate;
  }

  private static double gap(double a, double b) {
    return (b - a) / (b + a);
  }

  private double precision() {
    return Double.isNaN(low) || Double.isNaN(high) ? Double.NaN : gap(low, high);
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
