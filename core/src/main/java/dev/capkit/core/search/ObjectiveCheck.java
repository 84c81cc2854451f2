package dev.capkit.core.search;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.Slo;
import dev.capkit.core.scenario.SloSet;
import java.util.ArrayList;
import java.util.List;

/**
 * One objective as a per-request check: whether a request violates it, and how long after its
 * intended send time a request still without an answer is known to violate it (an early stop counts
 * those). Latency is judged from the intended send time, as run.json's verdicts judge open loop
 * ({@link dev.capkit.core.results.Metric#judging}); the errors objective counts failed requests.
 *
 * @param share the objective's key and allowed violating share
 * @param slo   the latency objective, or null for {@code errors}
 */
public record ObjectiveCheck(ObjectiveShare share, Slo slo) {
  /** The scenario's objectives: every latency objective, then errors. */
  public static List<ObjectiveCheck> of(SloSet slos) {
    List<ObjectiveCheck> out = new ArrayList<>();
    for (Slo s : slos.latency()) {
      out.add(new ObjectiveCheck(ObjectiveShare.percentile(s.key(), s.percentile()), s));
    }
    out.add(new ObjectiveCheck(new ObjectiveShare("errors", Math.max(1e-6, Math.min(0.999999, slos.maxErrorRate()))), null));
    return out;
  }

  public static List<ObjectiveShare> shares(List<ObjectiveCheck> checks) {
    return checks.stream().map(ObjectiveCheck::share).toList();
  }

  /** Whether this finished request violates the objective (a failed request violates only {@code errors}). */
  public boolean violatedBy(RequestRecord r) {
    if (slo == null) {
      return !r.ok();
    }
    if (!r.ok()) {
      return false;
    }
    long limit = slo.threshold().toNanos();
    long value = switch (slo.metric()) {
      case "e2e" -> r.e2eFromIntendedNanos();
      case "ttft" -> r.ttftFromIntendedNanos();
      case "tpot" -> r.tpotNanos();
      default -> max(r.itlNanos());
    };
    return value > limit;
  }

  /**
   * Nanoseconds after its intended send time from which a request without a final answer surely
   * violates this objective (E2E and TTFT limits); -1 when waiting proves nothing (TPOT, ITL, errors).
   */
  public long overdueAfterNanos() {
    return slo != null && (slo.metric().equals("e2e") || slo.metric().equals("ttft")) ? slo.threshold().toNanos() : -1;
  }

  private static long max(long[] values) {
    long m = -1;
    for (long v : values) {
      m = Math.max(m, v);
    }
    return m;
  }
}
