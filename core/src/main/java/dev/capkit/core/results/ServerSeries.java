package dev.capkit.core.results;

import java.util.List;

/**
 * capkit's names for what a serving engine's {@code /metrics} says about its load, the same
 * whichever engine served (vLLM, SGLang, llama.cpp's server, TGI: loadgen's {@code EngineVocabulary}
 * maps their series onto these). Server samples carry these next to the engine's own series.
 *
 * <pre>{@code
 * double waiting = sample.value(ServerSeries.WAITING);   // NaN when the engine does not say
 * }</pre>
 */
public final class ServerSeries {
  /** Requests in the running batch (gauge). */
  public static final String RUNNING = "capkit:requests_running";
  /** Requests queued before the batch (gauge). */
  public static final String WAITING = "capkit:requests_waiting";
  /** KV cache (or token pool) in use, 0..1 (gauge). */
  public static final String KV_USAGE = "capkit:kv_cache_usage";
  /** Prompt tokens processed (counter). */
  public static final String PROMPT_TOKENS = "capkit:prompt_tokens_total";
  /** Tokens generated (counter). */
  public static final String GENERATION_TOKENS = "capkit:generation_tokens_total";
  /** CPU seconds of the serving process (counter; Prometheus' own name). */
  public static final String CPU_SECONDS = "process_cpu_seconds_total";
  /** Resident memory of the serving process (gauge; Prometheus' own name). */
  public static final String RESIDENT_BYTES = "process_resident_memory_bytes";
  /** All of them, in file-header order. */
  public static final List<String> ALL = List.of(RUNNING, WAITING, KV_USAGE, PROMPT_TOKENS, GENERATION_TOKENS, CPU_SECONDS,
      RESIDENT_BYTES);

  private ServerSeries() {}
}
