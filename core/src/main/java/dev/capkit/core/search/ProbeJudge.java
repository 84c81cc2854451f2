package dev.capkit.core.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judges a rate from counts of violating requests, one binomial test per objective:
 * <ul>
 *   <li>an objective <b>holds</b> when so few of n requests violate it that a true violating share at
 *       its allowed share q would give that few with probability at most {@code alphaHolds}
 *       ({@code P(Bin(n, q) <= v) <= alphaHolds});
 *   <li>it is <b>broken</b> when so many violate it that a share of q would give that many with
 *       probability at most {@code alphaBroken} ({@code P(Bin(n, q) >= v) <= alphaBroken}).
 * </ul>
 * The rate holds when every objective holds (a false "holds" needs a broken objective to look held:
 * at most {@code alphaHolds}); it is broken when any objective is (the caller divides
 * {@code alphaBroken} by the number of objectives, a union bound). A request still in flight past
 * an objective's limit counts as violating it, which is why a probe can be stopped early: counts
 * only grow, so a "broken" reached early is the verdict the whole probe would give.
 *
 * <p>A p99 objective needs at least {@code ln(alpha) / ln(0.99)} requests (367 at alpha 2.5%)
 * before "holds" is possible at all: {@link #requestsToHold}.
 */
public final class ProbeJudge {
  private ProbeJudge() {}

  /** The judgement of one rate: the verdict and, per objective, what was counted and concluded. */
  public record Judgement(Verdict verdict, List<String> reasons) {}

  /**
   * @param requests   requests judged (sent in the measured window)
   * @param violations per objective key, requests violating it (absent: none)
   */
  public static Judgement judge(List<ObjectiveShare> objectives, long requests, Map<String, Long> violations,
      double alphaHolds, double alphaBroken) {
    return judge(objectives, requests, Map.of(), violations, alphaHolds, alphaBroken);
  }

  /**
   * As above, with objectives whose violations are counted among something else than the requests
   * ({@code judged}: per objective key, e.g. the finished tasks of a task objective; absent: {@code requests}).
   */
  public static Judgement judge(List<ObjectiveShare> objectives, long requests, Map<String, Long> judged,
      Map<String, Long> violations, double alphaHolds, double alphaBroken) {
    return judge(objectives, requests, judged, violations, alphaHolds, alphaBroken, 1);
  }

  /**
   * As above, with the requests clustered by {@code designEffect} ({@link DesignEffect}, >= 1): an
   * objective counted among requests is judged on Kish's effective sample, {@code n / deff} requests
   * of which {@code v / deff} violate (rounded up for "holds", down for "broken": each the cautious
   * side), which has the variance of the clustered counts. Objectives counted among something else
   * ({@code judged}: tasks) are taken as independent.
   */
  public static Judgement judge(List<ObjectiveShare> objectives, long requests, Map<String, Long> judged,
      Map<String, Long> violations, double alphaHolds, double alphaBroken, double designEffect) {
    if (!(designEffect >= 1)) {
      throw new IllegalArgumentException("designEffect must be >= 1, got " + designEffect);
    }
    boolean allHold = requests > 0;
    boolean anyBroken = false;
    List<String> reasons = new ArrayList<>();
    for (ObjectiveShare o : objectives) {
      long v = violations.getOrDefault(o.key(), 0L);
      boolean tasks = judged.containsKey(o.key());
      long n = judged.getOrDefault(o.key(), requests);
      double d = tasks ? 1 : designEffect;
      long nEff = (long) Math.floor(n / d);
      long vHolds = (long) Math.ceil(v / d - 1e-9);
      long vBroken = (long) Math.floor(v / d + 1e-9);
      String of = tasks ? " tasks" : "";
      String as = d > 1 ? String.format(java.util.Locale.ROOT, ", as %d of %d independent", vHolds, nEff) : "";
      if (broken(nEff, vBroken, o.allowed(), alphaBroken)) {
        anyBroken = true;
        reasons.add(o.key() + " broken: " + v + " of " + n + of + " over its limit" + (d > 1 ? String.format(java.util.Locale.ROOT,
            ", as %d of %d independent", vBroken, nEff) : "") + " (allowed share " + share(o.allowed()) + ")");
      } else if (!holds(nEff, vHolds, o.allowed(), alphaHolds)) {
        allHold = false;
        reasons.add(o.key() + " undecided: " + v + " of " + n + of + " over its limit" + as + " (allowed share " + share(o.allowed())
            + "; holding needs at most " + maxViolationsToHold(nEff, o.allowed(), alphaHolds) + (d > 1 ? " of " + nEff : "") + ")");
      }
    }
    Verdict verdict = anyBroken ? Verdict.BROKEN : allHold ? Verdict.HOLDS : Verdict.UNDECIDED;
    return new Judgement(verdict, List.copyOf(reasons));
  }

  /** Whether {@code v} violations in {@code n} requests show the violating share is below {@code q}. */
  public static boolean holds(long n, long v, double q, double alpha) {
    return n > 0 && Binomial.atMost(v, n, q) <= alpha;
  }

  /** Whether {@code v} violations in {@code n} requests show the violating share is above {@code q}. */
  public static boolean broken(long n, long v, double q, double alpha) {
    return v > 0 && Binomial.atLeast(v, n, q) <= alpha;
  }

  /** The most violations of n requests that still show the objective holds; -1 when none can. */
  public static long maxViolationsToHold(long n, double q, double alpha) {
    long v = -1;
    while (v + 1 <= n && Binomial.atMost(v + 1, n, q) <= alpha) {
      v++;
    }
    return v;
  }

  /** The fewest violations of n planned requests that show the objective broken (early stop threshold). */
  public static long violationsToBreak(long n, double q, double alpha) {
    long v = Math.max(1, (long) Math.floor(n * q));
    while (v <= n && Binomial.atLeast(v, n, q) > alpha) {
      v++;
    }
    return v;
  }

  /**
   * Requests a probe needs so that "holds" is reachable with {@code spare} violations allowed
   * (spare 0: none may violate; the search uses 2 so one slow outlier does not cost a verdict).
   */
  public static long requestsToHold(double q, double alpha, int spare) {
    long n = (long) Math.ceil(Math.log(alpha) / Math.log1p(-q));
    while (maxViolationsToHold(n, q, alpha) < spare) {
      n += Math.max(1, n / 50);
    }
    return n;
  }

  private static String share(double q) {
    return String.format(java.util.Locale.ROOT, "%.3g%%", q * 100);
  }
}
