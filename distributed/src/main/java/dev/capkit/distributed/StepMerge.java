package dev.capkit.distributed;

import dev.capkit.core.results.KindSummary;
import dev.capkit.core.results.LatencyStats;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.SloVerdict;
import dev.capkit.core.results.SlowRequest;
import dev.capkit.core.results.StepSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The summary of one step merged from the injectors' summaries of it and the merged histograms,
 * computed the way {@code StepRecorder.summarize} computes it for one injector: latency figures
 * from the summed histograms ({@link LatencyStats#ofMicros}), counters summed, rates divided by the
 * merged window, objectives judged on the merged histograms.
 *
 * <p>The merged window spans the earliest injector's step start to the latest injector's window
 * end. Goodput and mean in-flight are not in the histograms: they are summed back from each
 * injector's rate times its window (exact up to the rounding of the stored rates: 4 and 3 decimals).
 */
final class StepMerge {
  private static final int SLOWEST_KEPT = 5;

  private StepMerge() {}

  /**
   * @param parts      the step's summary in each injector run (same id)
   * @param histograms merged histograms per metric, each keyed by request kind and {@code *}
   * @param maxErrorRate the scenario's highest acceptable error rate
   */
  static StepSummary merge(List<StepSummary> parts, Map<Metric, Map<String, Histogram>> histograms, double maxErrorRate) {
    StepSummary first = parts.get(0);
    Instant start = parts.stream().map(p -> Instant.parse(p.startedAt())).min(Comparator.naturalOrder()).orElseThrow();
    Instant windowEnd = parts.stream().map(p -> Instant.parse(p.startedAt()).plusMillis(Math.round(p.durationSeconds() * 1000)))
        .max(Comparator.naturalOrder()).orElseThrow();
    String endedAt = parts.stream().map(StepSummary::endedAt).max(Comparator.naturalOrder()).orElseThrow();
    double windowSeconds = (windowEnd.toEpochMilli() - start.toEpochMilli()) / 1000.0;
    double window = Math.max(windowSeconds, 1e-9);

    long sent = 0;
    long ok = 0;
    long completionTokens = 0;
    double goodCount = 0;
    double inFlightSeconds = 0;
    boolean networkApplied = true;
    Map<String, Long> errors = new TreeMap<>();
    Map<String, KindCounts> kinds = new TreeMap<>();
    List<SlowRequest> slow = new ArrayList<>();
    for (StepSummary p : parts) {
      sent += p.sent();
      ok += p.ok();
      goodCount += Math.round(p.goodputRps() * p.durationSeconds());
      inFlightSeconds += p.meanInFlight() * p.durationSeconds();
      networkApplied &= p.networkApplied();
      p.errors().forEach((k, n) -> errors.merge(k, n, Long::sum));
      p.kinds().forEach((kind, k) -> kinds.computeIfAbsent(kind, x -> new KindCounts()).add(k));
      slow.addAll(p.slowest());
    }
    for (KindCounts k : kinds.values()) {
      completionTokens += k.completionTokens;
    }
    Map<String, KindSummary> perKind = new LinkedHashMap<>();
    kinds.forEach((kind, k) -> perKind.put(kind, new KindSummary(k.sent, k.ok, k.errors, k.promptTokens,
        k.completionTokens, stats(histograms, kind), k.reasoningTokens)));
    double errorRate = sent == 0 ? 0 : (double) (sent - ok) / sent;
    slow.sort(Comparator.comparingDouble(SlowRequest::e2eMs).reversed());
    List<SlowRequest> slowest = List.copyOf(slow.subList(0, Math.min(SLOWEST_KEPT, slow.size())));
    List<SloVerdict> verdicts = judge(first, histograms, errorRate, sent, maxErrorRate);
    return new StepSummary(first.index(), first.id(), first.network(), networkApplied, first.offered(), first.unit(),
        start.toString(), endedAt, round(windowSeconds, 3), sent, ok, errors, round(errorRate, 6),
        round(ok / window, 4), round(completionTokens / window, 2), round(goodCount / window, 4),
        round(inFlightSeconds / window, 3), stats(histograms, "*"), perKind, verdicts, slowest);
  }

  private static Map<String, LatencyStats> stats(Map<Metric, Map<String, Histogram>> histograms, String kind) {
    Map<String, LatencyStats> out = new LinkedHashMap<>();
    for (Metric m : Metric.values()) {
      Histogram h = histograms.getOrDefault(m, Map.of()).get(kind);
      if (h != null && h.getTotalCount() > 0) {
        out.put(m.key(), LatencyStats.ofMicros(h));
      }
    }
    return out;
  }

  /**
   * Re-judges the objectives the injectors judged (keys such as {@code ttft.p99} with their limits)
   * on the merged histograms; open-loop steps are judged from the intended send time, as one
   * injector does.
   */
  private static List<SloVerdict> judge(StepSummary first, Map<Metric, Map<String, Histogram>> histograms,
      double errorRate, long sent, double maxErrorRate) {
    boolean open = "qps".equals(first.unit());
    List<SloVerdict> out = new ArrayList<>();
    for (SloVerdict v : first.slo()) {
      if (v.key().equals("errors")) {
        continue;
      }
      int dot = v.key().indexOf(".p");
      String metric = v.key().substring(0, dot);
      double percentile = Double.parseDouble(v.key().substring(dot + 2));
      Metric m = Metric.judging(metric, open);
      Histogram h = histograms.getOrDefault(m, Map.of()).get("*");
      double actual = h == null || h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
      out.add(new SloVerdict(v.key(), v.limit(), actual, actual <= v.limit()));
    }
    out.add(new SloVerdict("errors", maxErrorRate, sent == 0 ? Double.NaN : round(errorRate, 6),
        sent > 0 && errorRate <= maxErrorRate));
    return out;
  }

  static double round(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return v;
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /** Counters of one request kind summed over injectors. */
  private static final class KindCounts {
    long sent;
    long ok;
    long promptTokens;
    long completionTokens;
    long reasoningTokens;
    final Map<String, Long> errors = new TreeMap<>();

    void add(KindSummary k) {
      sent += k.sent();
      ok += k.ok();
      promptTokens += k.promptTokens();
      completionTokens += k.completionTokens();
      reasoningTokens += k.reasoningTokens();
      k.errors().forEach((e, n) -> errors.merge(e, n, Long::sum));
    }
  }
}
