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
 * {@link ProbeDispatcher} (open loop) or the {@link AgentDispatcher} (closed loop: the probe's rate is
 * a number of agents, its window ends once it holds its planned steps, and the task objectives are
 * judged on the tasks started in it, counted in tasks).
 */
public final class SearchDriver implements StepSequence {
  /** Most probes one search may run (each is a step; the budget stops a search long before). */
  public static final int MAX_PROBES = 500;

  private final Scenario scenario;
  private final List<ObjectiveCheck> checks;
  /** Closed loop: the load's task objectives (empty for open loop). */
  private final List<dev.capkit.core.search.TaskObjective> taskObjectives;
  private final dev.capkit.core.scenario.LoadShape.Closed agents;
  /** Closed loop: the latest measured mean response time (s), for sizing windows by X = N / (R + Z). */
  private volatile double responseSeconds = Double.NaN;
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
    this.agents = scenario.load() instanceof dev.capkit.core.scenario.LoadShape.Closed c ? c : null;
    this.taskObjectives = agents == null ? List.of() : agents.taskObjectives();
    if (agents == null) {
      this.search = new CapacitySearch(ObjectiveCheck.shares(checks), scenario.search());
    } else {
      Map<String, Integer> perTask = new java.util.LinkedHashMap<>();
      taskObjectives.forEach(t -> perTask.put(t.key(), agents.stepsPerTask()));
      this.search = new CapacitySearch(dev.capkit.core.search.TaskTally.shares(checks, taskObjectives), scenario.search(),
          this::requestRate, perTask);
    }
    this.out = out;
    this.logFile = logFile;
    this.basis = basis;
    this.unit = scenario.load().unit();
  }

  /**
   * Closed loop: requests per second {@code count} agents offer, X = N / (R + Z), R the latest probe's mean
   * response time (before the first: the think time, a guess). Only sizes windows: a closed-loop window
   * ends when it holds its planned steps, whatever its planned length.
   */
  private double requestRate(double count) {
    double think = agents.thinkTime().toNanos() / 1e9;
    double r = Double.isNaN(responseSeconds) ? Math.max(think, 1) : responseSeconds;
    return count / (r + think);
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
    // closed loop: the window ends once it holds its planned steps; its planned length (from an estimated
    // request rate) is only a cap, three times the estimate
    double seconds = agents == null ? plan.seconds() : Math.min(scenario.search().maxProbeSeconds(), 3 * plan.seconds());
    StepPlan step = new StepPlan(plan.index(), stepId(plan), plan.rate(), unit, scenario.networks().get(0),
        Duration.ofNanos(windowStart - run.stepsOrigin()), Duration.ofMillis(Math.round(seconds * 1000)));
    current = new ProbeWindow(plan, step, checks, taskObjectives, now, windowStart);
    out.printf(Locale.ROOT, "capkit: probe %d (%s%s) at %s %s: warm-up %.0f s, window %s (%d requests planned; "
        + "stops early at %s)%n", plan.index(), plan.phase(), plan.look() > 1 ? " look " + plan.look() : "",
        num(plan.rate()), unitName(), plan.warmupSeconds(), agents == null ? String.format(Locale.ROOT, "%.0f s", plan.seconds())
            : String.format(Locale.ROOT, "until its planned steps are sent, at most %.0f s", seconds), plan.plannedRequests(),
        plan.breakAt().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    out.flush();
    notifyAll();
    return step;
  }

  @Override
  public boolean stopEarly(int step) {
    ProbeWindow p = current;
    return p != null && p.step().index() == step && (p.checkStop(System.nanoTime()) || p.full());
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
    double window = (Math.min(now, p.sendEndNanos()) - p.windowStartNanos()) / 1e9;
    SearchLog.Tasks tasks = null;
    Map<String, Long> judged = new java.util.LinkedHashMap<>();
    if (agents != null) {
      dev.capkit.core.search.TaskTally tally = dev.capkit.core.search.TaskTally.of(p.tasks(), window);
      tasks = SearchLog.Tasks.of(tally);
      for (var t : taskObjectives) { // task objectives count tasks: the finished ones, or the planned window's after an early stop
        judged.put(t.key(), p.stoppedEarly() ? Math.max(1, plan.plannedRequests() / agents.stepsPerTask()) : tally.tasks());
      }
      if (!Double.isNaN(p.meanResponseSeconds())) {
        responseSeconds = p.meanResponseSeconds();
      }
    }
    double deff = p.stoppedEarly() ? 1
        : p.designEffect(checks.stream().mapToDouble(c -> c.share().allowed()).min().orElse(dev.capkit.core.search.DesignEffect.MIN_SHARE));
    ProbeResult r = search.record(plan, new ProbeRunner.Measured(requests, violations, spent, p.stoppedEarly(), judged, deff));
    SearchResult sofar = search.result();
    logged.add(new SearchLog.Probe(plan.index(), p.step().id(), plan.phase(), plan.look(), plan.rate(),
        (p.warmupStartNanos() - searchStartNanos) / 1e9, plan.warmupSeconds(), plan.seconds(), window, requests,
        violations, spent, p.stoppedEarly(), r.verdict().key(), r.reasons(), sofar.low(), sofar.high(), search.under(),
        search.over(), tasks));
    write(null);
    out.printf(Locale.ROOT, "capkit: probe %d %s %s: %d requests%s, over limit %s -> %s; bracket [%s, %s], shown [%s, %s]; "
        + "%.0f of %.0f s budget spent%n", plan.index(), num(plan.rate()), unitName(), requests,
        p.stoppedEarly() ? String.format(Locale.ROOT, " (stopped early after %.0f s)", window) : "",
        violations.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")),
        r.reasons().isEmpty() ? r.verdict().key() : r.reasons().get(0) + (plan.phase().equals("scout") ? "" : " " + r.verdict().key()),
        num(search.under()), num(search.over()), num(sofar.low()), num(sofar.high()), sofar.gpuSeconds(),
        scenario.search().budgetSeconds());
    if (tasks != null) {
      out.printf(Locale.ROOT, "capkit: probe %d tasks: %d finished of those started in the window, completion p50 %s s / p95 %s s,"
          + " %s with every step met, %s tasks/h (%s)%n", plan.index(), tasks.finished(), num(tasks.p50Seconds()),
          num(tasks.p95Seconds()), Double.isNaN(tasks.shareAllStepsMet()) ? "-" : num(tasks.shareAllStepsMet() * 100) + "%",
          num(tasks.tasksPerHour()), basis);
    }
    out.flush();
  }

  private void announce() {
    var s = scenario.search();
    out.printf(Locale.ROOT, "capkit: capacity search from %s %s: x%s to bracket, then bisect to ±%.1f%% at %.0f%% "
        + "confidence; scouts %d requests, verdicts %d requests; budget %.0f s of load%n", num(s.startRate()), unitName(),
        num(s.growth()), s.precision() * 100, s.confidence() * 100, s.scoutRequests(), search.requestsPerProbe(),
        s.budgetSeconds());
    if (agents != null) {
      out.printf(Locale.ROOT, "capkit: agents: tasks of %d steps, think %s; step objectives %s; task objectives %s (counted in"
          + " tasks started in a probe's window)%n", agents.stepsPerTask(), dev.capkit.core.scenario.Durations.format(agents.thinkTime()),
          checks.stream().map(c -> c.share().key()).collect(Collectors.joining(", ")),
          taskObjectives.isEmpty() ? "none" : taskObjectives.stream().map(Object::toString).collect(Collectors.joining(", ")));
    }
    out.flush();
  }

  private void write(SearchResult answer) {
    try {
      SearchLogWriter.write(logFile, new SearchLog(unit, basis, SearchLog.Settings.of(scenario.search()),
          objectives(), logged, answer == null ? null : SearchLog.Answer.of(answer), agents == null ? null
              : new SearchLog.Agents(agents.stepsPerTask(), agents.thinkTime().toNanos() / 1e9,
                  taskObjectives.stream().map(Object::toString).toList())));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + logFile + " failed", e);
    }
  }

  private Map<String, Double> objectives() {
    Map<String, Double> m = new java.util.LinkedHashMap<>();
    checks.forEach(c -> m.put(c.share().key(), c.share().allowed()));
    taskObjectives.forEach(t -> m.put(t.key(), t.allowed()));
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
