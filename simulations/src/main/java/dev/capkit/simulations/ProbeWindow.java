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
  private volatile boolean sendingDone;

  ProbeWindow(ProbePlan plan, StepPlan step, List<ObjectiveCheck> checks, long warmupStartNanos, long windowStartNanos) {
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

  /** Where sending ends: the planned window end, or the moment the probe was stopped early. */
  long sendEndNanos() {
    long stopped = stoppedAtNanos;
    return stopped != 0 ? stopped : windowEndNanos;
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
    return out;
  }
}
