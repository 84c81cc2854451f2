package dev.capkit.llamacpp.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's Prometheus metrics under llama.cpp server's own names ({@code tools/server}, the
 * {@code /metrics} handler of the b4916 build this engine runs), so a scraper written for
 * {@code llama-server --metrics} reads them unchanged:
 * <pre>
 * llamacpp:prompt_tokens_total            counter  prompt tokens processed
 * llamacpp:prompt_seconds_total           counter  prompt processing time
 * llamacpp:tokens_predicted_total         counter  tokens generated
 * llamacpp:tokens_predicted_seconds_total counter  generation time
 * llamacpp:prompt_tokens_seconds          gauge    prompt tokens/s since the previous scrape
 * llamacpp:predicted_tokens_seconds       gauge    generated tokens/s since the previous scrape
 * llamacpp:kv_cache_usage_ratio           gauge    KV cache cells in use / cells
 * llamacpp:kv_cache_tokens                gauge    tokens held in the KV cache
 * llamacpp:requests_processing            gauge    requests in a slot
 * llamacpp:requests_deferred              gauge    requests waiting for a slot
 * </pre>
 * <b>Basis.</b> de.kherud:llama exposes llama.cpp's task queue but not its metrics task, so these
 * are counted where the engine's results arrive, with llama.cpp's definitions: a request's prompt
 * time runs from its task being posted to a free slot until its first token (llama.cpp: prompt
 * processing start to first token; the difference is at most the decode step then in flight), its
 * generation time from the first token to the last, added when the request ends (as llama.cpp's
 * {@code on_prediction}); token counts are llama.cpp's own (its tokenizer, one result per token);
 * the KV cache holds each running request's prompt and generated tokens (prompt caching is off, so
 * nothing else stays). llama.cpp's {@code n_decode_total} and {@code n_busy_slots_per_decode} count
 * {@code llama_decode} calls, which nothing outside the engine's loop can see: they are not exported
 * rather than estimated.
 */
public final class EngineMetrics {
  private final long kvCells;
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong promptNanos = new AtomicLong();
  private final AtomicLong predictedTokens = new AtomicLong();
  private final AtomicLong predictedNanos = new AtomicLong();
  private final AtomicInteger processing = new AtomicInteger();
  private final AtomicInteger deferred = new AtomicInteger();
  private final AtomicLong kvTokens = new AtomicLong();
  // the "bucket" since the previous scrape, as llama.cpp's reset_bucket
  private long bucketPromptTokens;
  private long bucketPromptNanos;
  private long bucketPredictedTokens;
  private long bucketPredictedNanos;

  public EngineMetrics(long kvCells) {
    this.kvCells = kvCells;
  }

  void deferredChange(int delta) {
    deferred.addAndGet(delta);
  }

  void processingChange(int delta) {
    processing.addAndGet(delta);
  }

  void kvChange(long delta) {
    kvTokens.addAndGet(delta);
  }

  synchronized void promptDone(int tokens, long nanos) {
    promptTokens.addAndGet(tokens);
    promptNanos.addAndGet(nanos);
    bucketPromptTokens += tokens;
    bucketPromptNanos += nanos;
  }

  synchronized void generationDone(int tokens, long nanos) {
    predictedTokens.addAndGet(tokens);
    predictedNanos.addAndGet(nanos);
    bucketPredictedTokens += tokens;
    bucketPredictedNanos += nanos;
  }

  public long promptTokensTotal() {
    return promptTokens.get();
  }

  public long tokensPredictedTotal() {
    return predictedTokens.get();
  }

  public int requestsProcessing() {
    return processing.get();
  }

  public int requestsDeferred() {
    return deferred.get();
  }

  /** The Prometheus text exposition; starts a new bucket for the two throughput gauges. */
  public synchronized String render() {
    double promptRate = bucketPromptNanos > 0 ? bucketPromptTokens / (bucketPromptNanos / 1e9) : 0;
    double predictedRate = bucketPredictedNanos > 0 ? bucketPredictedTokens / (bucketPredictedNanos / 1e9) : 0;
    bucketPromptTokens = 0;
    bucketPromptNanos = 0;
    bucketPredictedTokens = 0;
    bucketPredictedNanos = 0;
    long kv = kvTokens.get();
    StringBuilder sb = new StringBuilder(1024);
    metric(sb, "prompt_tokens_total", "counter", "Number of prompt tokens processed.", promptTokens.get());
    metric(sb, "prompt_seconds_total", "counter", "Prompt process time", promptNanos.get() / 1e9);
    metric(sb, "tokens_predicted_total", "counter", "Number of generation tokens processed.", predictedTokens.get());
    metric(sb, "tokens_predicted_seconds_total", "counter", "Predict process time", predictedNanos.get() / 1e9);
    metric(sb, "prompt_tokens_seconds", "gauge", "Average prompt throughput in tokens/s.", promptRate);
    metric(sb, "predicted_tokens_seconds", "gauge", "Average generation throughput in tokens/s.", predictedRate);
    metric(sb, "kv_cache_usage_ratio", "gauge", "KV-cache usage. 1 means 100 percent usage.", (double) kv / kvCells);
    metric(sb, "kv_cache_tokens", "gauge", "KV-cache tokens.", kv);
    metric(sb, "requests_processing", "gauge", "Number of requests processing.", processing.get());
    metric(sb, "requests_deferred", "gauge", "Number of requests deferred.", deferred.get());
    return sb.toString();
  }

  private static void metric(StringBuilder sb, String name, String type, String help, double value) {
    String full = "llamacpp:" + name;
    sb.append("# HELP ").append(full).append(' ').append(help).append('\n')
        .append("# TYPE ").append(full).append(' ').append(type).append('\n')
        .append(full).append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      sb.append((long) value);
    } else {
      sb.append(value);
    }
    sb.append('\n');
  }
}
