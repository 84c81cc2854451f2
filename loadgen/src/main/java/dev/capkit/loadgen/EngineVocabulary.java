package dev.capkit.loadgen;

import dev.capkit.core.results.ServerSeries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One capkit vocabulary for what every serving engine's {@code /metrics} says about its load, so the
 * planner and reports read {@code capkit:requests_waiting} whichever engine served. Which engine
 * names what (sources in {@link ServingEngine}):
 *
 * <table>
 *   <caption>capkit series and the engine series they are read from</caption>
 *   <tr><th>capkit</th><th>vLLM</th><th>SGLang</th><th>llama.cpp server</th><th>TGI</th></tr>
 *   <tr><td>{@value #RUNNING}</td><td>vllm:num_requests_running</td><td>sglang:num_running_reqs</td>
 *       <td>llamacpp:requests_processing</td><td>tgi_batch_current_size</td></tr>
 *   <tr><td>{@value #WAITING}</td><td>vllm:num_requests_waiting</td><td>sglang:num_queue_reqs</td>
 *       <td>llamacpp:requests_deferred</td><td>tgi_queue_size</td></tr>
 *   <tr><td>{@value #KV_USAGE} (0..1)</td><td>vllm:kv_cache_usage_perc (older: vllm:gpu_cache_usage_perc)</td>
 *       <td>sglang:token_usage</td><td>llamacpp:kv_cache_usage_ratio (removed in later versions)</td>
 *       <td>tgi_batch_current_max_tokens / tgi_batch_max_total_tokens (tokens reserved by the batch)</td></tr>
 *   <tr><td>{@value #PROMPT_TOKENS}</td><td>vllm:prompt_tokens_total</td><td>sglang:prompt_tokens_total</td>
 *       <td>llamacpp:prompt_tokens_total</td><td>tgi_request_input_length_sum</td></tr>
 *   <tr><td>{@value #GENERATION_TOKENS}</td><td>vllm:generation_tokens_total</td><td>sglang:generation_tokens_total</td>
 *       <td>llamacpp:tokens_predicted_total</td><td>tgi_request_generated_tokens_sum</td></tr>
 *   <tr><td>{@value #CPU_SECONDS}, {@value #RESIDENT_BYTES}</td><td colspan="2">the same names (Python
 *       prometheus_client's process collector)</td><td>none</td><td>none</td></tr>
 * </table>
 * Series with several label sets (engines, models) are summed under the bare name first. Series of
 * no engine here are kept raw by the scraper; the mapping only adds.
 *
 * <pre>{@code
 * Map<String, Double> raw = PrometheusScraper.parse(text);
 * Map<String, Double> all = EngineVocabulary.translate(raw);   // raw + capkit:* series
 * ServingEngine e = EngineVocabulary.engineOf(raw.keySet());    // by metric prefix
 * }</pre>
 */
public final class EngineVocabulary {

  public static final String RUNNING = ServerSeries.RUNNING;
  public static final String WAITING = ServerSeries.WAITING;
  public static final String KV_USAGE = ServerSeries.KV_USAGE;
  public static final String PROMPT_TOKENS = ServerSeries.PROMPT_TOKENS;
  public static final String GENERATION_TOKENS = ServerSeries.GENERATION_TOKENS;
  public static final String CPU_SECONDS = ServerSeries.CPU_SECONDS;
  public static final String RESIDENT_BYTES = ServerSeries.RESIDENT_BYTES;
  /** The vocabulary, in the order the file header lists it. */
  public static final List<String> SERIES = ServerSeries.ALL;

  /** capkit series -> engine series, first present wins (newer names first). */
  private static final Map<String, List<String>> SOURCES = Map.of(
      RUNNING, List.of("vllm:num_requests_running", "sglang:num_running_reqs", "llamacpp:requests_processing",
          "tgi_batch_current_size"),
      WAITING, List.of("vllm:num_requests_waiting", "sglang:num_queue_reqs", "llamacpp:requests_deferred", "tgi_queue_size"),
      KV_USAGE, List.of("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage",
          "llamacpp:kv_cache_usage_ratio"),
      PROMPT_TOKENS, List.of("vllm:prompt_tokens_total", "sglang:prompt_tokens_total", "llamacpp:prompt_tokens_total",
          "tgi_request_input_length_sum"),
      GENERATION_TOKENS, List.of("vllm:generation_tokens_total", "sglang:generation_tokens_total",
          "llamacpp:tokens_predicted_total", "tgi_request_generated_tokens_sum"));

  private EngineVocabulary() {}

  /**
   * Every engine series the vocabulary reads (all engines, newer names first), e.g. to ask a
   * Prometheus server for them by name: what it stores are the engines' names, not capkit's.
   */
  public static List<String> engineSeries() {
    List<String> names = new ArrayList<>();
    for (String series : SERIES) {
      names.addAll(SOURCES.getOrDefault(series, List.of()));
    }
    names.add("tgi_batch_current_max_tokens");
    names.add("tgi_batch_max_total_tokens");
    return List.copyOf(names);
  }

  /** {@code raw} plus every capkit series that can be read from it. */
  public static Map<String, Double> translate(Map<String, Double> raw) {
    Map<String, Double> out = new LinkedHashMap<>(raw);
    for (String series : SERIES) {
      List<String> from = SOURCES.get(series);
      if (from == null) {
        continue; // process_*: already under the capkit name
      }
      for (String name : from) {
        Double v = raw.get(name);
        if (v != null) {
          out.put(series, v);
          break;
        }
      }
    }
    Double reserved = raw.get("tgi_batch_current_max_tokens");
    Double capacity = raw.get("tgi_batch_max_total_tokens");
    if (!out.containsKey(KV_USAGE) && reserved != null && capacity != null && capacity > 0) {
      out.put(KV_USAGE, reserved / capacity);
    }
    return out;
  }

  /** The vocabulary series present in {@code values}. */
  public static List<String> understood(Map<String, Double> values) {
    List<String> present = new ArrayList<>();
    for (String s : SERIES) {
      if (values.containsKey(s)) {
        present.add(s);
      }
    }
    return present;
  }

  /** The engine whose metric prefix the series carry, or {@link ServingEngine#UNKNOWN}. */
  public static ServingEngine engineOf(Set<String> seriesNames) {
    for (ServingEngine e : List.of(ServingEngine.VLLM, ServingEngine.SGLANG, ServingEngine.LLAMA_CPP, ServingEngine.TGI)) {
      for (String name : seriesNames) {
        if (name.startsWith(e.metricPrefix())) {
          return e;
        }
      }
    }
    return ServingEngine.UNKNOWN;
  }

  /** The engine {@code /v1/models} names in {@code owned_by} ({@code vllm}, {@code sglang}, {@code llamacpp}), or UNKNOWN. */
  public static ServingEngine engineOfOwner(String ownedBy) {
    if (ownedBy == null) {
      return ServingEngine.UNKNOWN;
    }
    return switch (ownedBy.toLowerCase(Locale.ROOT)) {
      case "vllm" -> ServingEngine.VLLM;
      case "sglang" -> ServingEngine.SGLANG;
      case "llamacpp", "llama.cpp" -> ServingEngine.LLAMA_CPP;
      default -> ServingEngine.UNKNOWN;
    };
  }
}
