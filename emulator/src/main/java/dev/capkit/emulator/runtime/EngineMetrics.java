package dev.capkit.emulator.runtime;

import dev.capkit.twin.catalog.HostProfile;
import dev.capkit.twin.physics.TwinCoefficients;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What {@code GET /metrics} reports, under vLLM's metric names (gauges
 * {@code vllm:num_requests_running}, {@code vllm:num_requests_waiting}, {@code vllm:kv_cache_usage_perc}
 * (a 0..1 fraction, as in vLLM); histograms {@code vllm:time_to_first_token_seconds},
 * {@code vllm:e2e_request_latency_seconds} with vLLM's buckets; counters {@code vllm:prompt_tokens_total},
 * {@code vllm:generation_tokens_total}, {@code vllm:num_preemptions_total},
 * {@code vllm:request_success_total}), plus {@code process_cpu_seconds_total} and
 * {@code process_resident_memory_bytes} of the <em>modelled</em> serving process (see {@link HostProfile}),
 * not of this JVM. Also keeps the emulator's own token-timing error (actual minus scheduled emit
 * time) in an HdrHistogram for the benchmark.
 */
public final class EngineMetrics {
  private static final double MIB = 1 << 20;
  private static final double GIB = 1L << 30;

  private final HostProfile host;
  private final TwinCoefficients coefficients;
  private volatile int running;
  private volatile int waiting;
  private volatile double kvUsage;
  private final LongAdder promptTokens = new LongAdder();
  private final LongAdder generationTokens = new LongAdder();
  private final LongAdder preemptions = new LongAdder();
  private final LongAdder finished = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final DoubleAdder cpuSeconds = new DoubleAdder();
  private final AtomicLong imageRequestsInFlight = new AtomicLong();
  private final AtomicLong textRequestsInFlight = new AtomicLong();
  private final PrometheusHistogram ttft = new PrometheusHistogram("vllm:time_to_first_token_seconds",
      0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
      160.0, 640.0, 2560.0);
  private final PrometheusHistogram e2e = new PrometheusHistogram("vllm:e2e_request_latency_seconds",
      0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
      1920.0, 7680.0);
  private final Recorder emitLateness = new Recorder(3_600_000_000_000L, 3);
  private final Recorder handoffLateness = new Recorder(3_600_000_000_000L, 3);

  private volatile java.util.function.BiConsumer<String, Long> firstContentListener = (id, nanos) -> { };

  private volatile long prefixQueries;
  private volatile long prefixHits;

  public EngineMetrics(HostProfile host, TwinCoefficients coefficients) {
    this.host = host;
    this.coefficients = coefficients;
  }

  void gauges(int running, int waiting, double kvUsage) {
    this.running = running;
    this.waiting = waiting;
    this.kvUsage = kvUsage;
  }

  /**
   * A request was admitted: its host-side time (API-server path + image preprocessing,
   * TwinCoefficients#requestHostSeconds) and tokenization cost host CPU; its buffers cost memory.
   */
  void admitted(long promptChars, long imagePixels, double hostSeconds) {
    cpuSeconds.add(promptChars * host.tokenizeMicrosPerChar() / 1e6 + hostSeconds);
    (imagePixels > 0 ? imageRequestsInFlight : textRequestsInFlight).incrementAndGet();
  }

  /** Requests admitted and not yet finished or aborted. */
  public long inFlight() {
    return imageRequestsInFlight.get() + textRequestsInFlight.get();
  }

  void released(long imagePixels) {
    (imagePixels > 0 ? imageRequestsInFlight : textRequestsInFlight).decrementAndGet();
  }

  void step(int sequences, int emitted, int preempted) {
    cpuSeconds.add((host.schedulerMicrosPerStep() + sequences * host.schedulerMicrosPerSeq()) / 1e6
        + emitted * coefficients.detokenizeSecondsPerToken());
    generationTokens.add(emitted);
    preemptions.add(preempted);
  }

  /** The engine's cumulative prefix-cache counters (tokens queried / found), published after each step. */
  void prefixCache(long queries, long hits) {
    this.prefixQueries = queries;
    this.prefixHits = hits;
  }

  public long prefixCacheQueries() {
    return prefixQueries;
  }

  public long prefixCacheHits() {
    return prefixHits;
  }

  void promptTokens(int tokens) {
    promptTokens.add(tokens);
  }

  void firstToken(double seconds) {
    ttft.observe(seconds);
  }

  void finished(double seconds) {
    e2e.observe(seconds);
    finished.increment();
  }

  /** A request refused because the waiting queue was full. */
  /**
   * Registers a listener told, for every streamed request, its id and the server-side TTFT: from
   * the request being decoded to its first content chunk being written to the socket (nanoseconds,
   * same {@code System.nanoTime} clock as an in-process client). Benchmarks join it with the
   * client's TTFT to measure client-side overhead. Called on the connection's event loop.
   */
  public void onFirstContentWritten(java.util.function.BiConsumer<String, Long> listener) {
    this.firstContentListener = listener;
  }

  /** See {@link #onFirstContentWritten}. */
  public void firstContentWritten(String requestId, long serverTtftNanos) {
    firstContentListener.accept(requestId, serverTtftNanos);
  }

  public void rejected() {
    rejected.increment();
  }

  /** Records how late a token was written compared with its step's end (called on the writing thread). */
  public void emitLateness(long nanos) {
    emitLateness.recordValue(Math.max(0, Math.min(nanos, 3_600_000_000_000L)));
  }

  /** Records how late a step's delivery task started on an event loop (part of {@link #emitLateness}). */
  public void handoffLateness(long nanos) {
    handoffLateness.recordValue(Math.max(0, Math.min(nanos, 3_600_000_000_000L)));
  }

  private volatile DeliveryTrace deliveryTrace;

  /**
   * Starts keeping a {@link DeliveryTrace} of the next {@code capacity} delivery batches (benchmarks: where each
   * step's writes go); returns it.
   */
  public DeliveryTrace traceDeliveries(int capacity) {
    DeliveryTrace t = new DeliveryTrace(capacity);
    deliveryTrace = t;
    return t;
  }

  /** The trace being kept, or null. */
  DeliveryTrace deliveryTrace() {
    return deliveryTrace;
  }

  /** Delivery-task start lateness since the last call (interval histogram, nanoseconds). */
  public Histogram takeHandoffLateness() {
    return handoffLateness.getIntervalHistogram();
  }

  /** Token-timing error since the last call (interval histogram, nanoseconds). */
  public Histogram takeEmitLateness() {
    return emitLateness.getIntervalHistogram();
  }

  public int running() {
    return running;
  }

  public int waiting() {
    return waiting;
  }

  public double kvUsage() {
    return kvUsage;
  }

  public long rejectedCount() {
    return rejected.sum();
  }

  public long finishedCount() {
    return finished.sum();
  }

  /** Modelled resident memory of the serving process. */
  public double residentBytes() {
    return host.baseRssGib() * GIB + imageRequestsInFlight.get() * host.rssPerImageRequestMib() * MIB
        + textRequestsInFlight.get() * host.rssPerTextRequestMib() * MIB;
  }

  private volatile GpuTelemetry gpu; // DCGM-named GPU series (null: none)

  /** Also serve the emulated GPU's DCGM series. */
  public void gpu(GpuTelemetry telemetry) {
    this.gpu = telemetry;
  }

  /** The engine kept the GPU busy for {@code seconds} (one step's modelled time). */
  void gpuBusy(double seconds) {
    GpuTelemetry g = gpu;
    if (g != null) {
      g.busy(seconds);
    }
  }

  /** Prometheus text exposition (format 0.0.4). */
  public String render(String modelName) {
    String labels = "model_name=\"" + modelName + "\"";
    StringBuilder out = new StringBuilder(4096);
    gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.", labels, running);
    gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", labels, waiting);
    gauge(out, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", labels, kvUsage);
    counter(out, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", labels, promptTokens.sum());
    counter(out, "vllm:generation_tokens_total", "Number of generation tokens processed.", labels, generationTokens.sum());
    counter(out, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", labels, preemptions.sum());
    counter(out, "vllm:request_success_total", "Count of successfully processed requests.", labels, finished.sum());
    counter(out, "vllm:prefix_cache_queries_total",
        "Prefix cache queries, in terms of number of queried tokens.", labels, prefixQueries);
    counter(out, "vllm:prefix_cache_hits_total",
        "Prefix cache hits, in terms of number of cached tokens.", labels, prefixHits);
    counter(out, "capkit_emulator_rejected_total", "Requests refused with 429: waiting queue full, or the emulator's in-flight bound reached.",
        labels, rejected.sum());
    ttft.render(out, "Histogram of time to first token in seconds.", labels);
    e2e.render(out, "Histogram of e2e request latency in seconds.", labels);
    out.append("# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds (modelled serving process).\n")
        .append("# TYPE process_cpu_seconds_total counter\n")
        .append("process_cpu_seconds_total ").append(PrometheusHistogram.format(cpuSeconds.sum())).append('\n');
    out.append("# HELP process_resident_memory_bytes Resident memory size in bytes (modelled serving process).\n")
        .append("# TYPE process_resident_memory_bytes gauge\n")
        .append("process_resident_memory_bytes ").append(PrometheusHistogram.format(Math.rint(residentBytes()))).append('\n');
    GpuTelemetry g = gpu;
    if (g != null) {
      g.render(out);
    }
    return out.toString();
  }

  private static void gauge(StringBuilder out, String name, String help, String labels, double value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append('{').append(labels).append("} ").append(PrometheusHistogram.format(value)).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, String labels, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n")
        .append(name).append('{').append(labels).append("} ").append(value).append('\n');
  }
}
