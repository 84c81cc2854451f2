package dev.capkit.planner.search;

import dev.capkit.core.search.SearchLog;
import dev.capkit.planner.capacity.SustainableRate;
import java.util.Locale;

/**
 * The sustainable rate of a tier measured by a capacity search: the search's own answer, not an
 * interpolation between its probes (probes of different lengths at rates the search chose are a
 * poor ladder). With a closed interval the rate is its geometric middle (the search bisects on a log
 * scale) and {@code low}/{@code high} are the interval: every objective shown to hold at {@code low}
 * and at least one shown broken at {@code high}, at the search's confidence (binomial verdicts on the effective sample of clustered requests,
 * {@link dev.capkit.core.search.ProbeJudge}). Without a held end the rate is undefined; with a held end
 * only, replicas are sized from it as a lower bound ({@link SustainableRate#atLeast()}). The
 * per-objective crossings stay the ladder's, for reference.
 */
public final class SearchCrossing {
  public static final String METHOD = "capacity search (search.json): interval [highest rate shown to hold, lowest rate shown"
      + " broken] from binomial verdicts on the share of requests over each objective's limit; rate = the interval's geometric"
      + " middle";

  private SearchCrossing() {}

  /** Whether {@code rate} is a search's answer (open-loop or agents), not a ladder's crossing. */
  public static boolean isSearch(SustainableRate rate) {
    String m = rate.method();
    return m != null && (m.startsWith(METHOD) || m.startsWith(AGENTS_METHOD));
  }

  /** The search's answer as a sustainable rate; {@code ladder} supplies the per-objective crossings. */
  public static SustainableRate of(SearchLog log, SustainableRate ladder) {
    SearchLog.Answer a = log.answer();
    if (a == null) {
      return undefined(ladder, Double.NaN, "undefined, because the capacity search did not finish (search.json has no answer)");
    }
    String spent = String.format(Locale.ROOT, "%d probes, %.0f s of load; stopped: %s", log.probes().size(), a.gpuSeconds(), a.stop());
    if (Double.isNaN(a.low())) {
      return undefined(ladder, Double.NaN, "undefined, because the capacity search showed no rate to hold (" + spent + ")");
    }
    if (Double.isNaN(a.high())) {
      return undefined(ladder, a.low(), String.format(Locale.ROOT, "undefined, because the capacity search's interval did not close:"
          + " every objective shown to hold up to %.3g, no rate shown broken (%s)", a.low(), spent));
    }
    return new SustainableRate(a.estimate(), a.low(), a.high(), Double.NaN, binding(log, a.high(), ladder), ladder.crossings(), 0,
        METHOD + String.format(Locale.ROOT, "; ±%.1f%% at %.0f%% confidence%s; %s", a.precision() * 100, a.confidence() * 100,
            a.met() ? "" : String.format(Locale.ROOT, " (asked ±%.1f%%)", a.target() * 100), spent), null);
  }

  public static final String AGENTS_METHOD = "agents search (search.json): the request rate per replica is the one the agents shown"
      + " to hold offered in their verdict probe's window (steps / window), the interval up to the rate the agents shown broken offered";

  /**
   * The sustainable request rate of a tier measured by an agents search (closed loop): what the most
   * agents shown to hold sent per second in the window of their verdict probe (a closed loop sets no
   * rate: the agents' request rate is what the replica carried at that agent count). The interval's
   * upper end is what the agents shown broken sent. Agents per replica themselves are
   * {@link AgentsPerReplica}.
   */
  public static SustainableRate ofAgents(SearchLog log, SustainableRate ladder) {
    SearchLog.Answer a = log.answer();
    if (a == null) {
      return undefined(ladder, Double.NaN, "undefined, because the agents search did not finish (search.json has no answer)");
    }
    String spent = String.format(Locale.ROOT, "%d probes, %.0f s of load; stopped: %s", log.probes().size(), a.gpuSeconds(), a.stop());
    if (Double.isNaN(a.low())) {
      return undefined(ladder, Double.NaN, "undefined, because the agents search showed no agent count to hold (" + spent + ")");
    }
    double held = requestRate(log, a.low());
    if (Double.isNaN(a.high())) {
      return undefined(ladder, held, String.format(Locale.ROOT, "undefined, because the agents search's interval did not close:"
          + " every objective shown to hold up to %.0f agents (%.3g req/s), no agent count shown broken (%s)", a.low(), held, spent));
    }
    double broken = requestRate(log, a.high());
    return new SustainableRate(held, held, Double.isNaN(broken) ? Double.POSITIVE_INFINITY : broken, Double.NaN,
        binding(log, a.high(), ladder), ladder.crossings(), 0, AGENTS_METHOD + String.format(Locale.ROOT,
            "; %.0f agents shown to hold, %.0f shown broken, at %.0f%% confidence; %s", a.low(), a.high(), a.confidence() * 100, spent),
        null);
  }

  /** Requests per second of the probe at {@code agents} agents with the longest window (its verdict probe). */
  private static double requestRate(SearchLog log, double agents) {
    SearchLog.Probe best = null;
    for (SearchLog.Probe p : log.probes()) {
      if (p.rate() == agents && p.windowSeconds() > 0 && (best == null || p.windowSeconds() > best.windowSeconds())) {
        best = p;
      }
    }
    return best == null ? Double.NaN : best.requests() / best.windowSeconds();
  }

  private static SustainableRate undefined(SustainableRate ladder, double atLeast, String reason) {
    return new SustainableRate(Double.NaN, Double.NaN, Double.NaN, atLeast, null, ladder.crossings(), 0, METHOD, reason);
  }

  /** The objective a verdict probe at the broken end showed broken (the first named), else the ladder's binding one. */
  static String binding(SearchLog log, double high, SustainableRate ladder) {
    for (SearchLog.Probe p : log.probes()) {
      if (p.rate() == high && "broken".equals(p.verdict())) {
        for (String reason : p.reasons()) {
          int at = reason.indexOf(" broken: ");
          if (at > 0) {
            return reason.substring(0, at);
          }
        }
      }
    }
    return ladder.binding();
  }
}
