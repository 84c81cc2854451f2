package dev.capkit.simulations;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.core.search.ObjectiveCheck;
import dev.capkit.core.search.ProbePlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One capacity-search probe as it runs in real time: its warm-up (sent, not recorded) and measured
 * window (the step {@link #step()}), the window's requests and, per objective, the requests known to
 * violate it: finished ones that did, plus those still in flight past an E2E limit counted from their
 * intended send time (they violate it whatever happens next; TTFT counts finished requests only, as
 * the client reports a request when it ends). Counts only grow, so a
 * probe whose violations reach {@link ProbePlan#breakAt()} can stop: its whole window would be
 * judged broken too.
 *
 * <p>Closed loop (agents) adds two things: the window also ends once it holds its planned requests
 * ({@link #closeIfFull}: closed loop sets no rate, so its length follows from how fast the agents go),
 * and tasks: a task whose first step is sent in the window is judged on the task objectives when it
 * finishes (the agents keep the load on until every judged task has finished); a running task already
 * past a completion-time limit, or with a missed step, counts as a known violation.
 */
final class ProbeWindow {
  private final ProbePlan plan;
  private final StepPlan step;
  private final List<ObjectiveCheck> checks;
  private final long warmupStartNanos;
  private final long windowStartNanos;
  private final long windowEndNanos;
  private final AtomicLong windowRequests = new AtomicLong();
  private final AtomicLongArray violations;
  /** Window requests in flight: request number to intended send time (ns). */
  private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();
  private volatile long stoppedAtNanos;
  private volatile long closedAtNanos;
  private volatile boolean sendingDone;
  private final List<dev.capkit.core.search.TaskObjective> taskObjectives;
  /** Judged tasks running: task number to {start ns, 1 while every step so far met every objective}. */
  private final Map<Long, long[]> runningTasks = new ConcurrentHashMap<>();
  private final List<dev.capkit.core.search.TaskOutcome> finishedTasks = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.DoubleAdder responseSeconds = new java.util.concurrent.atomic.DoubleAdder();
  private final AtomicLong responses = new AtomicLong();
  private final java.util.Queue<double[]> latencies = new java.util.concurrent.ConcurrentLinkedQueue<>(); // {sent s, e2e s}

  ProbeWindow(ProbePlan plan, StepPlan step, List<ObjectiveCheck> checks, long warmupStartNanos, long windowStartNanos) {
    this(plan, step, checks, List.of(), warmupStartNanos, windowStartNanos);
  }

  ProbeWindow(ProbePlan plan, StepPlan step, List<ObjectiveCheck> checks, List<dev.capkit.core.search.TaskObjective> taskObjectives,
      long warmupStartNanos, long windowStartNanos) {
    this.taskObjectives = List.copyOf(taskObjectives);
    this.plan = plan;
    this.step = step;
    this.checks = checks;
    this.warmupStartNanos = warmupStartNanos;
    this.windowStartNanos = windowStartNanos;
    this.windowEndNanos = windowStartNanos + step.duration().toNanos();
    this.violations = new AtomicLongArray(checks.size());
  }

  ProbePlan plan() {
    return plan;
  }

  StepPlan step() {
    return step;
  }

  long warmupStartNanos() {
    return warmupStartNanos;
  }

  long windowStartNanos() {
    return windowStartNanos;
  }

  /** Where sending ends: the planned window end, or the moment the probe was stopped early (or, closed loop, was full). */
  long sendEndNanos() {
    long stopped = stoppedAtNanos;
    long closed = closedAtNanos;
    return stopped != 0 ? stopped : closed != 0 ? closed : windowEndNanos;
  }

  /** Whether a send at {@code nanoTime} is in the measured window. */
  boolean inWindow(long nanoTime) {
    return nanoTime >= windowStartNanos && nanoTime < sendEndNanos();
  }

  /** Closed loop: ends the window at {@code nowNanos} once it holds its planned requests. */
  void closeIfFull(long nowNanos) {
    if (closedAtNanos == 0 && windowRequests.get() >= plan.plannedRequests()) {
      closedAtNanos = nowNanos;
    }
  }

  /** The step a request intended at {@code nanoTime} belongs to: this probe's, or the unrecorded warm-up. */
  int stepAt(long nanoTime) {
    return nanoTime < windowStartNanos ? ArrivalSchedule.LEAD_IN : step.index();
  }

  /** A window request is about to be sent. */
  void sent(long request, long intendedNanos) {
    windowRequests.incrementAndGet();
    inFlight.put(request, intendedNanos);
  }

  /** A window request ended. */
  void ended(long request, RequestRecord r) {
    inFlight.remove(request); // first, so that it is never counted twice (overdue and finished)
    for (int c = 0; c < checks.size(); c++) {
      if (checks.get(c).violatedBy(r)) {
        violations.incrementAndGet(c);
      }
    }
    if (r.ok() && r.e2eNanos() >= 0) {
      responseSeconds.add(r.e2eNanos() / 1e9);
      responses.incrementAndGet();
    }
    latencies.add(new double[] {r.startEpochMicros() / 1e6, r.ok() && r.e2eNanos() >= 0 ? r.e2eNanos() / 1e9 : Double.MAX_VALUE});
  }

  /**
   * The window's {@link dev.capkit.core.search.DesignEffect} for allowed share {@code share}, from the
   * send times and E2E of the requests that ended (a failed request counts as the slowest).
   */
  double designEffect(double share) {
    List<double[]> l = List.copyOf(latencies);
    return dev.capkit.core.search.DesignEffect.of(l.stream().mapToDouble(x -> x[0]).toArray(), l.stream().mapToDouble(x -> x[1]).toArray(),
        share);
  }

  /** Whether a finished step met every step objective (a failed step meets none). */
  boolean metAll(RequestRecord r) {
    for (ObjectiveCheck c : checks) {
      if (c.violatedBy(r)) {
        return false;
      }
    }
    return r.ok();
  }

  /** A judged task (its first step sent in the window) started. */
  void taskStarted(long task, long startNanos) {
    runningTasks.put(task, new long[] {startNanos, 1});
  }

  /** A step of judged task {@code task} ended; {@code met}: it met every step objective. */
  void taskStep(long task, boolean met) {
    long[] t = runningTasks.get(task);
    if (t != null && !met) {
      t[1] = 0;
    }
  }

  /** Judged task {@code task} finished its last step at {@code endNanos}. */
  void taskEnded(long task, int steps, long endNanos) {
    long[] t = runningTasks.remove(task);
    if (t != null) {
      finishedTasks.add(new dev.capkit.core.search.TaskOutcome((endNanos - t[0]) / 1e9, steps, t[1] == 1));
    }
  }

  /** Whether a judged task is still running. */
  boolean tasksRunning() {
    return !runningTasks.isEmpty();
  }

  /** Judged tasks finished so far. */
  List<dev.capkit.core.search.TaskOutcome> tasks() {
    return List.copyOf(finishedTasks);
  }

  /** Mean E2E of the window's successful requests (seconds), NaN before the first. */
  double meanResponseSeconds() {
    long n = responses.get();
    return n == 0 ? Double.NaN : responseSeconds.sum() / n;
  }

  /** The sender is done with this probe: every window request has been sent. */
  void sendingDone() {
    sendingDone = true;
  }

  boolean isSendingDone() {
    return sendingDone;
  }

  boolean stoppedEarly() {
    return stoppedAtNanos != 0;
  }

  /** Closed loop: whether the window holds its planned requests and has ended. */
  boolean full() {
    return closedAtNanos != 0;
  }

  long requests() {
    return windowRequests.get();
  }

  /**
   * Stops the window when an objective's known violations reach the probe's break threshold;
   * returns whether it is stopped.
   */
  boolean checkStop(long nowNanos) {
    if (stoppedAtNanos != 0) {
      return true;
    }
    Map<String, Long> known = violations(nowNanos);
    for (var e : known.entrySet()) {
      if (e.getValue() >= plan.breakAt().getOrDefault(e.getKey(), Long.MAX_VALUE)) {
        stoppedAtNanos = nowNanos;
        return true;
      }
    }
    return false;
  }

  /** Per objective key: finished requests that violated it, plus in-flight ones already overdue. */
  Map<String, Long> violations(long nowNanos) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int c = 0; c < checks.size(); c++) {
      ObjectiveCheck check = checks.get(c);
      long n = violations.get(c);
      long overdue = check.overdueAfterNanos();
      // The client reports a request when it ends: in flight past an E2E limit is surely a violation;
      // past a TTFT limit it may already have its first token, so TTFT counts finished requests only.
      if (overdue >= 0 && check.slo().metric().equals("e2e")) {
        for (long intended : inFlight.values()) {
          if (nowNanos - intended > overdue) {
            n++;
          }
        }
      }
      out.put(check.share().key(), n);
    }
    for (var t : taskObjectives) {
      long n = finishedTasks.stream().filter(t::violatedBy).count();
      for (long[] running : runningTasks.values()) {
        n += t.violatedWhileRunning((nowNanos - running[0]) / 1e9, running[1] == 1) ? 1 : 0;
      }
      out.put(t.key(), n);
    }
    return out;
  }
}
