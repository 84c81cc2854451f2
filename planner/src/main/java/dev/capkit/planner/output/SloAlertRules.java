package dev.capkit.planner.output;

import dev.capkit.planner.SloTarget;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The alerting rules that watch a plan's objectives on vLLM's own series, as one Prometheus rule
 * group ({@code capkit-slo}); {@link KubernetesManifests} wraps it in a {@code PrometheusRule}, and
 * {@link #ruleFile} writes it as a plain rule file that {@code promtool check rules} accepts.
 *
 * <p>A latency objective "p-th percentile of X at most L" is broken exactly when more than
 * (100 - p)% of requests took longer than L. vLLM's histograms ({@link VllmHistogram}) count requests
 * at or below fixed bounds, so:
 * <ul>
 *   <li>L is a bucket bound: one {@code page} rule, exact: the share of requests above the bucket
 *       {@code le=L}, over 5 minutes, exceeds (100 - p)% for 2 minutes;
 *   <li>L lies between bounds lo &lt; L &lt; hi: a {@code page} rule on the share above hi (more than
 *       (100 - p)% above hi proves the objective broken) and a {@code warning} rule on the share above
 *       lo (the objective may be broken; the series cannot tell 0.8 L from 1.2 L).
 * </ul>
 * {@code histogram_quantile} is not used: it interpolates linearly inside a bucket, so with L = 8 s
 * and every request at 6 s it answers p99 = 9.95 s (bucket 5..10 s) and pages although the
 * objective holds. The error objective compares the share of {@code 5xx} and {@code 429} answers in
 * the API server's {@code http_requests_total} (prometheus-fastapi-instrumentator) with its limit.
 * An idle server (no requests in 5 minutes) makes every ratio NaN: no alert.
 *
 * <pre>{@code
 * List<SloAlertRule> rules = SloAlertRules.of(SloTarget.parseList("e2e.p99=8s,errors=1%"), "gn7e-c16g1.4xlarge", 0.9);
 * Files.writeString(dir.resolve("rules.yaml"), SloAlertRules.ruleFile(rules));
 * }</pre>
 */
public final class SloAlertRules {
  public static final String GROUP = "capkit-slo";
  static final String FOR = "2m";
  static final String WINDOW = "5m";
  static final String ERRORS_EXPR = "sum(rate(http_requests_total{handler=\"/v1/chat/completions\",status=~\"5..|5xx|429\"}[%s]))"
      + " / sum(rate(http_requests_total{handler=\"/v1/chat/completions\"}[%s])) > %s";

  private SloAlertRules() {}

  /** The rules for these objectives; {@code tierId} and {@code perReplicaRate} only go into the summaries. */
  public static List<SloAlertRule> of(List<SloTarget> slos, String tierId, double perReplicaRate) {
    String context = " (" + tierId + ", planned at " + PlanMarkdown.fmt(perReplicaRate) + " req/s per replica)";
    List<SloAlertRule> out = new ArrayList<>();
    for (SloTarget s : slos) {
      if (s.isErrors()) {
        out.add(new SloAlertRule("ErrorShareAboveSlo", String.format(Locale.ROOT, ERRORS_EXPR, WINDOW, WINDOW, plain(s.limit())),
            FOR, "page", s.key(), "errors above " + s.limitText() + " of requests for 2 minutes" + context));
      } else {
        out.addAll(latency(s, context));
      }
    }
    return List.copyOf(out);
  }

  private static List<SloAlertRule> latency(SloTarget s, String context) {
    VllmHistogram h = VllmHistogram.forMetric(s.metric());
    double limit = s.limit() / 1000;
    double lo = h.boundAtOrBelow(limit);
    double hi = h.boundAtOrAbove(limit);
    String base = s.metric().substring(0, 1).toUpperCase(Locale.ROOT) + s.metric().substring(1) + "P"
        + s.key().substring(s.key().indexOf(".p") + 2).replace(".", "");
    BigDecimal outside = BigDecimal.valueOf(100).subtract(new BigDecimal(Double.toString(s.percentile())));
    String share = outside.movePointLeft(2).stripTrailingZeros().toPlainString();
    String over = "more than " + outside.stripTrailingZeros().toPlainString() + "% of requests ";
    List<SloAlertRule> out = new ArrayList<>();
    if (lo == hi) {
      out.add(new SloAlertRule(base + "AboveSlo", shareAbove(h, lo, share), FOR, "page", s.key(),
          s.key() + " above " + s.limitText() + " for 2 minutes: " + over + "took longer" + context));
      return out;
    }
    String between = "vLLM's " + h.name() + " has no bucket at " + s.limitText();
    if (!Double.isNaN(hi)) {
      out.add(new SloAlertRule(base + "AboveSlo", shareAbove(h, hi, share), FOR, "page", s.key(),
          s.key() + " above " + s.limitText() + " for 2 minutes: " + over + "took longer than " + plain(hi)
              + " s (" + between + "; the next bucket is " + plain(hi) + " s)" + context));
    }
    if (!Double.isNaN(lo)) {
      out.add(new SloAlertRule(base + "MaybeAboveSlo", shareAbove(h, lo, share), FOR, "warning", s.key(),
          s.key() + " may be above " + s.limitText() + ": for 2 minutes " + over + "took longer than " + plain(lo)
              + " s (" + between + "; requests between " + plain(lo) + " s and " + (Double.isNaN(hi) ? "+Inf" : plain(hi) + " s")
              + " cannot be told apart)" + context));
    }
    return out;
  }

  /** Share of the last 5 minutes' requests above bucket {@code bound}, compared with {@code share}. */
  static String shareAbove(VllmHistogram h, double bound, String share) {
    String count = "sum(rate(" + h.name() + "_count[" + WINDOW + "]))";
    return "(" + count + " - sum(rate(" + h.name() + "_bucket{le=~\"" + leMatcher(bound) + "\"}[" + WINDOW + "]))) / "
        + count + " > " + share;
  }

  /**
   * The bucket's {@code le} as clients write it: Python's prometheus_client (vLLM, SGLang) writes
   * {@code 5.0}, Go's client {@code 5}; Prometheus 2.x compares label values as text.
   */
  static String leMatcher(double bound) {
    String text = plain(bound);
    return bound == Math.rint(bound) ? text + "|" + text + "\\\\.0" : text.replace(".", "\\\\.");
  }

  /** The rule group as a Prometheus rule file ({@code groups:} at the top). */
  public static String ruleFile(List<SloAlertRule> rules) {
    return "groups:\n" + group(rules, "  ");
  }

  /** The group as a YAML list item at {@code indent} (used inside the PrometheusRule's {@code spec.groups}). */
  static String group(List<SloAlertRule> rules, String indent) {
    StringBuilder y = new StringBuilder();
    y.append(indent).append("- name: ").append(KubernetesManifests.q(GROUP)).append('\n');
    y.append(indent).append("  rules:\n");
    String r = indent + "    ";
    for (SloAlertRule rule : rules) {
      y.append(r).append("- alert: ").append(KubernetesManifests.q(rule.alert())).append('\n');
      y.append(r).append("  expr: ").append(KubernetesManifests.q(rule.expr())).append('\n');
      y.append(r).append("  for: ").append(KubernetesManifests.q(rule.forText())).append('\n');
      y.append(r).append("  labels:\n");
      y.append(r).append("    severity: ").append(KubernetesManifests.q(rule.severity())).append('\n');
      y.append(r).append("    objective: ").append(KubernetesManifests.q(rule.objective())).append('\n');
      y.append(r).append("  annotations:\n");
      y.append(r).append("    summary: ").append(KubernetesManifests.q(rule.summary())).append('\n');
    }
    return y.toString();
  }

  /** Exact decimal text (no exponent, no rounding), e.g. 0.01, 8, 0.0005. */
  static String plain(double v) {
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }
}
