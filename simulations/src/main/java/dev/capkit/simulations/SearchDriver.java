package dev.capkit.simulations;

import dev.capkit.core.results.StepSummary;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.core.search.CapacitySearch;
import dev.capkit.core.search.ObjectiveCheck;
import dev.capkit.core.search.ProbePlan;
import dev.capkit.core.search.ProbeResult;
import dev.capkit.core.search.ProbeRunner;
import dev.capkit.core.search.SearchLog;
import dev.capkit.core.search.SearchLogWriter;
import dev.capkit.core.search.SearchResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A capacity search run for real ({@code load.search}): the {@link StepSequence} of a {@link LoadRun}
 * whose steps are the search's probes. When a probe's step has closed it hands the probe's counts
 * (window requests, violations per objective, load time spent) to {@link CapacitySearch} and plans
 * the next probe: a warm-up at the probe's rate (sent, not recorded) and then its measured window,
 * a step of run.json like any other (results format v1, so planner, report, gate and merge read it
 * unchanged). The window stops early once an objective is broken beyond doubt. The search's record
 * ({@code search.json}, {@link dev.capkit.core.search.SearchLogReader}) is rewritten after every
 * probe, and one progress line per probe goes to {@code out}. The load itself is sent by the
 * {@link ProbeDispatcher}.
 */
public final class SearchDriver implements StepSequence {
  /** Most probes one search may run (each is a step; the budget stops a search long before). */
  public static final int MAX_PROBES = 500;

  private final Scenario scenario;
  private final List<ObjectiveCheck> checks;
  private final CapacitySearch search;
  private final PrintStream out;
  private final Path logFile;
  private final String basis;
  private final String unit;
  private final List<SearchLog.Probe> logged = new ArrayList<>();
  private LoadRun run;
  private long searchStartNanos;
  private ProbeWindow current;
  private boolean over;
  private SearchResult result;

  public SearchDriver(Scenario scenario, PrintStream out, Path logFile, String basis) {
    this.scenario = scenario;
    this.checks = ObjectiveCheck.of(scenario.slo());
    this.search = new CapacitySearch(ObjectiveCheck.shares(checks), scenario.search());
    this.out = out;
    this.logFile = logFile;
    this.basis = basis;
    this.unit = scenario.load().unit();
  }

  /** The run whose steps this search plans (set once, before load starts). */
  public void attach(LoadRun run) {
    this.run = run;
  }

  public Scenario scenario() {
    return scenario;
  }

  /** Requests a verdict probe holds (what a p99 "holds" needs at the stated confidence). */
  public long requestsPerVerdict() {
    return search.requestsPerProbe();
  }

  @Override
  public synchronized StepPlan next(StepSummary closed) {
    long now = System.nanoTime();
    if (current == null) {
      searchStartNanos = now;
      announce();
    } else {
      finish(current, now);
    }
    ProbePlan plan = search.next();
    if (plan == null || plan.index() >= MAX_PROBES) {
      over = true;
      current = null;
      result = search.result();
      write(result);
      out.println("capkit: search over: " + result.summary(unitName()) + " (" + basis + ")");
      out.flush();
      notifyAll();
      return null;
    }
    long windowStart = now + (long) (plan.warmupSeconds() * 1e9);
    StepPlan step = new StepPlan(plan.index(), stepId(plan), plan.rate(), unit, scenario.networks().get(0),
        Duration.ofNanos(windowStart - run.stepsOrigin()), Duration.ofMillis(Math.round(plan.seconds() * 1000)));
    current = new ProbeWindow(plan, step, checks, now, windowStart);
    out.printf(Locale.ROOT, "capkit: probe %d (%s%s) at %s %s: warm-up %.0f s, window %.0f s (%d requests planned; "
        + "stops early at %s)%n", plan.index(), plan.phase(), plan.look() > 1 ? " look " + plan.look() : "",
        num(plan.rate()), unitName(), plan.warmupSeconds(), plan.seconds(), plan.plannedRequests(),
        plan.breakAt().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    out.flush();
    notifyAll();
    return step;
  }

  @Override
  public boolean stopEarly(int step) {
    ProbeWindow p = current;
    return p != null && p.step().index() == step && p.checkStop(System.nanoTime());
  }

  @Override
  public boolean allRegistered(int step, long registered) {
    ProbeWindow p = current;
    return p == null || p.step().index() != step || p.isSendingDone();
  }

  /**
   * Waits until a probe other than {@code last} is running and returns it; null once the search is over.
   */
  synchronized ProbeWindow awaitProbeAfter(ProbeWindow last) throws InterruptedException {
    while (!over && (current == null || current == last)) {
      wait();
    }
    return over ? null : current;
  }

  /** The search's answer once it is over (null before). */
  public synchronized SearchResult result() {
    return result;
  }

  private void finish(ProbeWindow p, long now) {
    ProbePlan plan = p.plan();
    Map<String, Long> violations = p.violations(now);
    long requests = p.stoppedEarly() ? plan.plannedRequests() : p.requests(); // an early stop's verdict stands for the planned window
    double spent = (now - p.warmupStartNanos()) / 1e9;
    ProbeResult r = search.record(plan, new ProbeRunner.Measured(requests, violations, spent, p.stoppedEarly()));
    SearchResult sofar = search.result();
    double window = (p.sendEndNanos() - p.windowStartNanos()) / 1e9;
    logged.add(new SearchLog.Probe(plan.index(), p.step().id(), plan.phase(), plan.look(), plan.rate(),
        (p.warmupStartNanos() - searchStartNanos) / 1e9, plan.warmupSeconds(), plan.seconds(), window, requests,
        violations, spent, p.stoppedEarly(), r.verdict().key(), r.reasons(), sofar.low(), sofar.high(), search.under(),
        search.over()));
    write(null);
    out.printf(Locale.ROOT, "capkit: probe %d %s %s: %d requests%s, over limit %s -> %s; bracket [%s, %s], shown [%s, %s]; "
        + "%.0f of %.0f s budget spent%n", plan.index(), num(plan.rate()), unitName(), requests,
        p.stoppedEarly() ? String.format(Locale.ROOT, " (stopped early after %.0f s)", window) : "",
        violations.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")),
        r.reasons().isEmpty() ? r.verdict().key() : r.reasons().get(0) + (plan.phase().equals("scout") ? "" : " " + r.verdict().key()),
        num(search.under()), num(search.over()), num(sofar.low()), num(sofar.high()), sofar.gpuSeconds(),
        scenario.search().budgetSeconds());
    out.flush();
  }

  private void announce() {
    var s = scenario.search();
    out.printf(Locale.ROOT, "capkit: capacity search from %s %s: x%s to bracket, then bisect to ±%.1f%% at %.0f%% "
        + "confidence; scouts %d requests, verdicts %d requests; budget %.0f s of load%n", num(s.startRate()), unitName(),
        num(s.growth()), s.precision() * 100, s.confidence() * 100, s.scoutRequests(), search.requestsPerProbe(),
        s.budgetSeconds());
    out.flush();
  }

  private void write(SearchResult answer) {
    try {
      SearchLogWriter.write(logFile, new SearchLog(unit, basis, SearchLog.Settings.of(scenario.search()),
          objectives(), logged, answer == null ? null : SearchLog.Answer.of(answer)));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + logFile + " failed", e);
    }
  }

  private Map<String, Double> objectives() {
    Map<String, Double> m = new java.util.LinkedHashMap<>();
    checks.forEach(c -> m.put(c.share().key(), c.share().allowed()));
    return m;
  }

  private String unitName() {
    return unit.equals("qps") ? "req/s" : "agents";
  }

  private String stepId(ProbePlan p) {
    return String.format(Locale.ROOT, "p%02d-%s%s-%s", p.index(), unit, num(p.rate()), p.phase());
  }

  static String num(double d) {
    if (Double.isNaN(d)) {
      return "-";
    }
    return new java.math.BigDecimal(d).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
