package dev.capkit.loadgen.live;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestObserver;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.StepPlan;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * capkit's own figures of a run while it goes, fed by the load run's per-request events and read by
 * {@link MetricsEndpoint} in Prometheus text format ({@link PrometheusText}). Series (all labelled
 * {@code step} with the step id; request series also {@code kind}):
 * <ul>
 *   <li>{@code capkit_requests_total{step,kind,outcome}}: ended requests by outcome ({@code ok},
 *       {@code http_error}, ..., {@code not_sent}), counted when the record is in;
 *   <li>{@code capkit_requests_planned_total{step}}, {@code capkit_requests_sent_total{step}} and the
 *       gauge {@code capkit_requests_in_flight{step}} (sent, not yet ended);
 *   <li>histograms {@code capkit_ttft_seconds}, {@code capkit_tpot_seconds}, {@code capkit_itl_seconds}
 *       (every gap), {@code capkit_e2e_seconds} of successful requests, with vLLM's bucket bounds so
 *       they sit beside the server's own histograms, and {@code capkit_schedule_lag_seconds} (open loop);
 *   <li>gauges {@code capkit_step_offered_rate{step}} (the scenario's rate in requests/s, a stated
 *       input; closed-loop steps give {@code capkit_step_agents} instead), {@code capkit_step_achieved_rate{step}}
 *       (successful requests sent in the step / the part of its window that has passed, as the step
 *       table computes it at the end), and {@code capkit_step_start_time_seconds{step}} (epoch seconds).
 * </ul>
 * Methods are called on the client's I/O threads and must stay short; reading takes a snapshot.
 *
 * <pre>{@code
 * LiveMetrics live = new LiveMetrics(scenario.steps(), run::origin);
 * live.planned(0); live.sent(0); live.ended(0, record);
 * String text = live.exposition();
 * }</pre>
 */
public final class LiveMetrics implements RequestObserver {
  static final List<Double> TTFT_BOUNDS = List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
      2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0);
  static final List<Double> E2E_BOUNDS = List.of(0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0,
      50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0);
  static final List<Double> TOKEN_GAP_BOUNDS = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
      2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0);
  static final List<Double> LAG_BOUNDS = List.of(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
      1.0, 2.5, 5.0, 10.0);

  private final List<StepPlan> steps;
  private final LongSupplier originNanos;
  private final LongSupplier nanoClock;
  private final long epochMinusNanoMillis;
  private final Map<List<String>, LongAdder> requests = new ConcurrentSkipListMap<>(LiveMetrics::compareLabels);
  private final Map<String, Map<List<String>, LiveHistogram>> histograms = new ConcurrentHashMap<>();
  private final AtomicLongArray planned;
  private final AtomicLongArray sent;
  private final AtomicLongArray endedSent;
  private final AtomicLongArray okSent;

  /**
   * @param steps       the run's steps
   * @param originNanos the run's origin on {@link System#nanoTime()} (0 until load starts)
   */
  public LiveMetrics(List<StepPlan> steps, LongSupplier originNanos) {
    this(steps, originNanos, System::nanoTime, System.currentTimeMillis() - System.nanoTime() / 1_000_000);
  }

  LiveMetrics(List<StepPlan> steps, LongSupplier originNanos, LongSupplier nanoClock, long epochMinusNanoMillis) {
    this.steps = List.copyOf(steps);
    this.originNanos = originNanos;
    this.nanoClock = nanoClock;
    this.epochMinusNanoMillis = epochMinusNanoMillis;
    this.planned = new AtomicLongArray(steps.size());
    this.sent = new AtomicLongArray(steps.size());
    this.endedSent = new AtomicLongArray(steps.size());
    this.okSent = new AtomicLongArray(steps.size());
  }

  /** A request of {@code step} was planned (open loop: scheduled; closed loop: an agent's next turn). */
  @Override
  public void planned(int step) {
    planned.incrementAndGet(step);
  }

  /** A request of {@code step} is on the wire. */
  @Override
  public void sent(int step) {
    sent.incrementAndGet(step);
  }

  /** A request of {@code step} ended with {@code r} (a {@code not_sent} record was never sent). */
  @Override
  public void ended(int step, RequestRecord r) {
    String id = steps.get(step).id();
    requests.computeIfAbsent(List.of(id, r.kind(), r.outcome().key()), k -> new LongAdder()).increment();
    if (r.outcome() != Outcome.NOT_SENT) {
      endedSent.incrementAndGet(step);
    }
    List<String> labels = List.of(id, r.kind());
    if (r.scheduleLagNanos() >= 0 && r.outcome() != Outcome.NOT_SENT) {
      histogram("capkit_schedule_lag_seconds", LAG_BOUNDS, labels).observe(r.scheduleLagNanos() / 1e9);
    }
    if (!r.ok()) {
      return;
    }
    okSent.incrementAndGet(step);
    histogram("capkit_e2e_seconds", E2E_BOUNDS, labels).observe(r.e2eNanos() / 1e9);
    if (r.ttftNanos() >= 0) {
      histogram("capkit_ttft_seconds", TTFT_BOUNDS, labels).observe(r.ttftNanos() / 1e9);
    }
    if (r.tpotNanos() >= 0) {
      histogram("capkit_tpot_seconds", TOKEN_GAP_BOUNDS, labels).observe(r.tpotNanos() / 1e9);
    }
    LiveHistogram itl = r.itlNanos().length == 0 ? null : histogram("capkit_itl_seconds", TOKEN_GAP_BOUNDS, labels);
    for (long gap : r.itlNanos()) {
      itl.observe(gap / 1e9);
    }
  }

  private LiveHistogram histogram(String name, List<Double> bounds, List<String> labels) {
    return histograms.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>(LiveMetrics::compareLabels))
        .computeIfAbsent(labels, l -> new LiveHistogram(bounds));
  }

  /** Every series now, in Prometheus text exposition format 0.0.4. */
  public String exposition() {
    PrometheusText text = new PrometheusText();
    text.family("capkit_requests_total", "counter", "Requests that ended, by step, request kind and outcome");
    requests.forEach((l, n) -> text.sample("capkit_requests_total", labels("step", l.get(0), "kind", l.get(1), "outcome", l.get(2)), n.sum()));
    perStep(text, "capkit_requests_planned_total", "counter", "Requests planned (open loop: scheduled; closed loop: agent turns)", planned);
    perStep(text, "capkit_requests_sent_total", "counter", "Requests sent", sent);
    text.family("capkit_requests_in_flight", "gauge", "Requests sent and not yet ended");
    for (StepPlan s : steps) {
      text.sample("capkit_requests_in_flight", labels("step", s.id()), sent.get(s.index()) - endedSent.get(s.index()));
    }
    rates(text);
    histograms.forEach((name, series) -> {
      text.family(name, "histogram", HELP.get(name));
      series.forEach((l, h) -> text.histogram(name, labels("step", l.get(0), "kind", l.get(1)), h.snapshot()));
    });
    return text.toString();
  }

  private static final Map<String, String> HELP = Map.of(
      "capkit_ttft_seconds", "Time to first content token of successful streamed requests, as capkit's client measured it",
      "capkit_tpot_seconds", "Time per output token after the first, (E2E - TTFT) / (completion tokens - 1), successful requests",
      "capkit_itl_seconds", "Every gap between consecutive content chunks of successful streamed requests",
      "capkit_e2e_seconds", "Send to last content chunk (or end of body) of successful requests",
      "capkit_schedule_lag_seconds", "Actual minus intended send time of sent requests (open loop; 0 in closed loop)");

  private void rates(PrometheusText text) {
    long origin = originNanos.getAsLong();
    long now = nanoClock.getAsLong();
    text.family("capkit_step_offered_rate", "gauge", "Offered rate of an open-loop step in requests/s (the scenario's, a stated input)");
    steps.stream().filter(s -> s.unit().equals("qps")).forEach(s -> text.sample("capkit_step_offered_rate", labels("step", s.id()), s.offered()));
    text.family("capkit_step_agents", "gauge", "Agents of a closed-loop step (the scenario's, a stated input)");
    steps.stream().filter(s -> !s.unit().equals("qps")).forEach(s -> text.sample("capkit_step_agents", labels("step", s.id()), s.offered()));
    if (origin == 0) {
      return; // load has not started: no window has opened
    }
    text.family("capkit_step_start_time_seconds", "gauge", "When the step's window opened, seconds since the epoch");
    for (StepPlan s : steps) {
      long opened = origin + s.start().toNanos();
      if (now >= opened) {
        text.sample("capkit_step_start_time_seconds", labels("step", s.id()), (opened / 1_000_000 + epochMinusNanoMillis) / 1e3);
      }
    }
    text.family("capkit_step_achieved_rate", "gauge", "Successful requests sent in the step per second of its window passed so far");
    for (StepPlan s : steps) {
      long opened = origin + s.start().toNanos();
      double passed = Math.min(now - opened, s.duration().toNanos()) / 1e9;
      if (passed > 0) {
        text.sample("capkit_step_achieved_rate", labels("step", s.id()), okSent.get(s.index()) / passed);
      }
    }
  }

  private void perStep(PrometheusText text, String name, String type, String help, AtomicLongArray counts) {
    text.family(name, type, help);
    for (StepPlan s : steps) {
      text.sample(name, labels("step", s.id()), counts.get(s.index()));
    }
  }

  private static String[] labels(String... nameValue) {
    return nameValue;
  }

  private static int compareLabels(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
