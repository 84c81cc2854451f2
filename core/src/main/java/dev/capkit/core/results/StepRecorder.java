package dev.capkit.core.results;

import dev.capkit.core.scenario.Slo;
import dev.capkit.core.scenario.SloSet;
import dev.capkit.core.scenario.StepPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records the requests of one step, from any thread, without locks on the hot path: one
 * HdrHistogram {@link Recorder} per (metric, request kind), counters per outcome; a request takes
 * the lock of the slowest-requests list only when it is slower than the fastest one kept, and ITL
 * gaps that round to the same microsecond (bundled chunks) are recorded as one count. The run writer
 * drains interval histograms every second into the step's interval logs and folds them into
 * cumulative histograms, from which {@link #summarize} computes the step's figures.
 */
public final class StepRecorder {
  /** Highest trackable latency: one hour in microseconds. */
  static final long MAX_MICROS = 3_600_000_000L;
  static final int SIGNIFICANT_DIGITS = 3;
  private static final int SLOWEST_KEPT = 5;
  /**
   * run.json key of TTFA (time to the first answer token, not reasoning) in a step's and a kind's
   * {@code metrics}: present only when some successful request streamed reasoning text before its
   * answer; a summary only (no interval log, so runs without reasoning are unchanged).
   */
  public static final String TTFA = "ttfa";

  private final StepPlan plan;
  private final SloSet slo;
  private final Map<String, KindState> kinds = new ConcurrentHashMap<>();
  private final PriorityQueue<SlowRequest> slowest = new PriorityQueue<>(Comparator.comparingDouble(SlowRequest::e2eMs));
  // The smallest E2E among the slowest kept once SLOWEST_KEPT are kept (-inf before): a request at or
  // below it would be added and polled straight away, so it skips the lock.
  private volatile double slowestFloorMs = Double.NEGATIVE_INFINITY;
  private final AtomicLong inFlightNanos = new AtomicLong();

  public StepRecorder(StepPlan plan, SloSet slo) {
    this.plan = plan;
    this.slo = slo;
  }

  public StepPlan plan() {
    return plan;
  }

  /** Records one finished request. Thread-safe; called from the load generator's threads. */
  public void record(RequestRecord r) {
    KindState k = kinds.get(r.kind());
    if (k == null) {
      k = kinds.computeIfAbsent(r.kind(), KindState::new);
    }
    if (r.outcome() == Outcome.NOT_SENT) {
      // never on the wire: no latency, no schedule lag to record, not among the slowest
      k.errors.computeIfAbsent(r.outcome().key(), x -> new LongAdder()).increment();
      k.failed.increment();
      return;
    }
    if (r.ok()) {
      (slo.met(r) ? k.good : k.missed).increment();
      if (r.promptTokens() > 0) k.promptTokens.add(r.promptTokens());
      if (r.completionTokens() > 0) k.completionTokens.add(r.completionTokens());
      k.record(Metric.E2E, r.e2eNanos());
      k.record(Metric.TTFT, r.ttftNanos());
      if (r.reasoningTokens() > 0) k.reasoningTokens.add(r.reasoningTokens());
      if (r.ttfaNanos() >= 0) k.ttfa.recordValue(KindState.micros(r.ttfaNanos()));
      k.record(Metric.TPOT, r.tpotNanos());
      k.recordAll(Metric.ITL, r.itlNanos());
      if (isOpenLoop()) {
        k.record(Metric.E2E_INTENDED, r.e2eFromIntendedNanos());
        k.record(Metric.TTFT_INTENDED, r.ttftFromIntendedNanos());
      }
    } else {
      String key = r.outcome() == Outcome.HTTP_ERROR ? "http_" + r.httpStatus() : r.outcome().key();
      k.errors.computeIfAbsent(key, x -> new LongAdder()).increment();
      k.failed.increment();
    }
    if (isOpenLoop()) {
      k.record(Metric.SCHEDULE_LAG, Math.max(0, r.scheduleLagNanos()));
    }
    if (r.e2eNanos() > 0) {
      inFlightNanos.addAndGet(r.e2eNanos());
    }
    double e2eMs = r.e2eNanos() / 1e6;
    if (e2eMs > slowestFloorMs) { // a volatile read, no lock, for the many requests that are not among the slowest
      synchronized (slowest) {
        slowest.add(new SlowRequest(r.requestId(), r.traceId(), r.kind(), e2eMs, r.outcome().key()));
        if (slowest.size() > SLOWEST_KEPT) {
          slowest.poll();
        }
        if (slowest.size() == SLOWEST_KEPT) {
          slowestFloorMs = slowest.peek().e2eMs();
        }
      }
    }
  }

  private boolean isOpenLoop() {
    return "qps".equals(plan.unit());
  }

  /** Request kinds seen so far. */
  public List<String> kinds() {
    return new ArrayList<>(new TreeMap<>(kinds).keySet());
  }

  /**
   * Takes the interval histograms recorded since the last call, tagged with their kind, for the
   * given metric; also folds them into the cumulative histograms. Called by one thread at a time.
   */
  public synchronized List<Histogram> drainInterval(Metric metric, long startMillis, long endMillis) {
    List<Histogram> out = new ArrayList<>();
    for (String kind : kinds()) {
      KindState k = kinds.get(kind);
      Histogram h = k.recorders.get(metric).getIntervalHistogram();
      k.cumulative.get(metric).add(h);
      if (h.getTotalCount() > 0) {
        h.setTag(kind);
        h.setStartTimeStamp(startMillis);
        h.setEndTimeStamp(endMillis);
        out.add(h);
      }
    }
    return out;
  }

  /**
   * The requests of each kind that ended since the last call, {@code {sent, ok, good}} (kinds with
   * none left out): one line each of the step's {@link CountsLog}. Called by one thread at a time,
   * with the interval logs' drain.
   */
  public synchronized Map<String, long[]> drainCounts() {
    Map<String, long[]> out = new TreeMap<>();
    for (String kind : kinds()) {
      KindState k = kinds.get(kind);
      k.drain(k.snapshot(), out, kind);
    }
    return out;
  }

  /**
   * After {@link #summarize}: the requests of each kind that ended after the last
   * {@link #drainCounts} and were counted in the summary (a straggler recorded in between), so the
   * counts file adds up to run.json exactly.
   */
  public synchronized Map<String, long[]> drainCountsToSummary() {
    Map<String, long[]> out = new TreeMap<>();
    for (String kind : kinds()) {
      KindState k = kinds.get(kind);
      if (k.summarized != null) {
        k.drain(k.summarized, out, kind);
      }
    }
    return out;
  }

  /** Computes the step's figures from everything drained so far (drain once more first). */
  public synchronized StepSummary summarize(String startedAt, String endedAt, double windowSeconds, boolean networkApplied) {
    Map<Metric, Histogram> all = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      all.put(m, newHistogram());
    }
    long sent = 0;
    long ok = 0;
    long good = 0;
    long completionTokens = 0;
    Map<String, Long> errors = new TreeMap<>();
    Map<String, KindSummary> perKind = new LinkedHashMap<>();
    Histogram ttfaAll = newHistogram();
    for (String kind : kinds()) {
      KindState k = kinds.get(kind);
      Map<String, LatencyStats> stats = new LinkedHashMap<>();
      for (Metric m : Metric.values()) {
        Histogram h = k.cumulative.get(m);
        all.get(m).add(h);
        if (h.getTotalCount() > 0) {
          stats.put(m.key(), LatencyStats.ofMicros(h));
        }
      }
      k.ttfaCumulative.add(k.ttfa.getIntervalHistogram());
      if (k.ttfaCumulative.getTotalCount() > 0) {
        stats.put(TTFA, LatencyStats.ofMicros(k.ttfaCumulative));
        ttfaAll.add(k.ttfaCumulative);
      }
      Map<String, Long> kindErrors = new TreeMap<>();
      k.errors.forEach((key, n) -> kindErrors.put(key, n.sum()));
      kindErrors.forEach((key, n) -> errors.merge(key, n, Long::sum));
      long[] counts = k.snapshot(); // read once: the kind's sent and ok below, and the counts file's last line, agree
      k.summarized = counts;
      long kindSent = counts[0] + counts[1] + counts[2];
      long kindOk = counts[1] + counts[2];
      perKind.put(kind, new KindSummary(kindSent, kindOk, kindErrors, k.promptTokens.sum(), k.completionTokens.sum(), stats,
          k.reasoningTokens.sum()));
      sent += kindSent;
      ok += kindOk;
      good += counts[2];
      completionTokens += k.completionTokens.sum();
    }
    Map<String, LatencyStats> metrics = new LinkedHashMap<>();
    for (Metric m : Metric.values()) {
      if (all.get(m).getTotalCount() > 0) {
        metrics.put(m.key(), LatencyStats.ofMicros(all.get(m)));
      }
    }
    if (ttfaAll.getTotalCount() > 0) {
      metrics.put(TTFA, LatencyStats.ofMicros(ttfaAll));
    }
    double window = Math.max(windowSeconds, 1e-9);
    double errorRate = sent == 0 ? 0 : (double) (sent - ok) / sent;
    List<SloVerdict> verdicts = judge(all, errorRate, sent);
    List<SlowRequest> slow;
    synchronized (slowest) {
      slow = new ArrayList<>(slowest);
    }
    slow.sort(Comparator.comparingDouble(SlowRequest::e2eMs).reversed());
    return new StepSummary(plan.index(), plan.id(), plan.network(), networkApplied, plan.offered(), plan.unit(),
        startedAt, endedAt, round(windowSeconds, 3), sent, ok, errors, round(errorRate, 6),
        round(ok / window, 4), round(completionTokens / window, 2), round(good / window, 4),
        round(inFlightNanos.get() / 1e9 / window, 3), metrics, perKind, verdicts, slow);
  }

  private List<SloVerdict> judge(Map<Metric, Histogram> all, double errorRate, long sent) {
    List<SloVerdict> out = new ArrayList<>();
    for (Slo o : slo.latency()) {
      Histogram h = all.get(Metric.judging(o.metric(), isOpenLoop()));
      double actual = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(o.percentile()) / 1000.0;
      double limit = o.threshold().toNanos() / 1e6;
      out.add(new SloVerdict(o.key(), limit, actual, actual <= limit));
    }
    out.add(new SloVerdict("errors", slo.maxErrorRate(), sent == 0 ? Double.NaN : round(errorRate, 6),
        sent > 0 && errorRate <= slo.maxErrorRate()));
    return out;
  }

  static Histogram newHistogram() {
    return new Histogram(1, MAX_MICROS, SIGNIFICANT_DIGITS);
  }

  static double round(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return v;
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static final class KindState {
    // each request counts in exactly one of these, with one increment: sent = failed + missed + good,
    // ok = missed + good, so any read of them nests and the counts file's lines never disagree
    final LongAdder failed = new LongAdder();
    final LongAdder missed = new LongAdder();
    final LongAdder good = new LongAdder();
    /** failed, missed, good as of the last counts drain, and as the summary read them. */
    long[] drained = new long[3];
    long[] summarized;
    final LongAdder promptTokens = new LongAdder();
    final LongAdder completionTokens = new LongAdder();
    final LongAdder reasoningTokens = new LongAdder();
    /** TTFA of successful requests whose stream carried reasoning first; summarised only, no interval log. */
    final Recorder ttfa = new Recorder(1, MAX_MICROS, SIGNIFICANT_DIGITS);
    final Histogram ttfaCumulative = newHistogram();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final Map<Metric, Recorder> recorders = new EnumMap<>(Metric.class);
    final Map<Metric, Histogram> cumulative = new EnumMap<>(Metric.class);

    KindState(String kind) {
      for (Metric m : Metric.values()) {
        recorders.put(m, new Recorder(1, MAX_MICROS, SIGNIFICANT_DIGITS));
        cumulative.put(m, newHistogram());
      }
    }

    long[] snapshot() {
      return new long[] {failed.sum(), missed.sum(), good.sum()};
    }

    /** Adds {@code {sent, ok, good}} ended since the last drain up to {@code now} to {@code out}, if any. */
    void drain(long[] now, Map<String, long[]> out, String kind) {
      long f = now[0] - drained[0];
      long m = now[1] - drained[1];
      long g = now[2] - drained[2];
      if (f < 0 || m < 0 || g < 0) {
        return; // the summary's snapshot is older than a drain already written: nothing new
      }
      drained = now;
      if (f + m + g > 0) {
        out.put(kind, new long[] {f + m + g, m + g, g});
      }
    }

    void record(Metric m, long nanos) {
      if (nanos < 0) {
        return;
      }
      recorders.get(m).recordValue(micros(nanos));
    }

    /** Records every value (negative ones skipped); runs of equal values are recorded as one count. */
    void recordAll(Metric m, long[] nanos) {
      Recorder recorder = recorders.get(m);
      long run = -1;
      long count = 0;
      for (long n : nanos) {
        if (n < 0) {
          continue;
        }
        long micros = micros(n);
        if (micros != run) {
          if (count > 0) {
            recorder.recordValueWithCount(run, count);
          }
          run = micros;
          count = 0;
        }
        count++;
      }
      if (count > 0) {
        recorder.recordValueWithCount(run, count);
      }
    }

    static long micros(long nanos) {
      return Math.max(1, Math.min(MAX_MICROS, (nanos + 500) / 1000));
    }
  }
}
