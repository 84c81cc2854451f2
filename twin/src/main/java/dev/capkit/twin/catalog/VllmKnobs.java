package dev.capkit.twin.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code vllm serve} flags an operator tunes, with vLLM's names; each is null when not set
 * (the catalog's value, or vLLM's default for the GPU class, applies). Set them in a scenario's
 * {@code emulator.vllm} object, with the emulator's flags ({@code --gpu-memory-utilization 0.95}),
 * or with the planner's {@code --vllm gpu_memory_utilization=0.95,max_model_len=8192}.
 *
 * <table>
 *   <caption>knobs and their effect in the twin</caption>
 *   <tr><th>knob</th><th>values</th><th>effect</th></tr>
 *   <tr><td>gpu_memory_utilization</td><td>(0, 1]</td><td>usable VRAM = value x VRAM (KV room)</td></tr>
 *   <tr><td>max_model_len</td><td>&gt; 0</td><td>longest prompt + output; start-up needs KV for one such sequence</td></tr>
 *   <tr><td>max_num_seqs</td><td>&gt; 0</td><td>sequences per batch</td></tr>
 *   <tr><td>max_num_batched_tokens</td><td>&gt; 0</td><td>tokens per step (chunked-prefill budget)</td></tr>
 *   <tr><td>enable_prefix_caching</td><td>true / false</td><td>reuse of cached prompt blocks</td></tr>
 *   <tr><td>kv_cache_dtype</td><td>auto / fp8</td><td>bytes per KV element: 2 / 1 (KV room doubles with fp8)</td></tr>
 *   <tr><td>tensor_parallel_size</td><td>1, 2, 4, 8</td><td>GPUs per replica: weights and KV split, all-reduce per layer</td></tr>
 *   <tr><td>limit_mm_per_prompt.image</td><td>&gt;= 0</td><td>images allowed per prompt</td></tr>
 *   <tr><td>mm_processor_kwargs.max_pixels</td><td>&gt; 0</td><td>screenshots above it are scaled down: fewer image tokens and patches</td></tr>
 * </table>
 *
 * <pre>{@code
 * VllmKnobs k = VllmKnobs.parse("gpu_memory_utilization=0.95,max_model_len=8192");
 * k.flags(); // "--gpu-memory-utilization 0.95 --max-model-len 8192"
 * }</pre>
 */
public record VllmKnobs(
    Double gpuMemoryUtilization,
    Integer maxModelLen,
    Integer maxNumSeqs,
    Integer maxNumBatchedTokens,
    Boolean enablePrefixCaching,
    String kvCacheDtype,
    Integer tensorParallelSize,
    Integer limitMmPerPromptImage,
    Long maxPixels) {

  public static final VllmKnobs NONE = new VllmKnobs(null, null, null, null, null, null, null, null, null);
  /** Knob names as {@link #parse} and the scenario's {@code emulator.vllm} object accept them. */
  public static final List<String> NAMES = List.of("gpu_memory_utilization", "max_model_len", "max_num_seqs",
      "max_num_batched_tokens", "enable_prefix_caching", "kv_cache_dtype", "tensor_parallel_size",
      "limit_mm_per_prompt.image", "mm_processor_kwargs.max_pixels");

  public VllmKnobs {
    if (gpuMemoryUtilization != null && !(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
      throw new IllegalArgumentException("gpu_memory_utilization: expected a fraction in (0, 1], got " + gpuMemoryUtilization);
    }
    positive("max_model_len", maxModelLen);
    positive("max_num_seqs", maxNumSeqs);
    positive("max_num_batched_tokens", maxNumBatchedTokens);
    if (kvCacheDtype != null && !kvCacheDtype.equals("auto") && !kvCacheDtype.equals("fp8")) {
      throw new IllegalArgumentException("kv_cache_dtype: expected auto or fp8, got '" + kvCacheDtype + "'");
    }
    if (tensorParallelSize != null && !List.of(1, 2, 4, 8).contains(tensorParallelSize)) {
      throw new IllegalArgumentException("tensor_parallel_size: expected 1, 2, 4 or 8, got " + tensorParallelSize);
    }
    if (limitMmPerPromptImage != null && limitMmPerPromptImage < 0) {
      throw new IllegalArgumentException("limit_mm_per_prompt.image: expected a whole number >= 0, got " + limitMmPerPromptImage);
    }
    if (maxPixels != null && maxPixels < 784) {
      throw new IllegalArgumentException("mm_processor_kwargs.max_pixels: expected at least one 28x28 token (784), got " + maxPixels);
    }
  }

  private static void positive(String name, Integer v) {
    if (v != null && v <= 0) {
      throw new IllegalArgumentException(name + ": expected a whole number > 0, got " + v);
    }
  }

  public VllmKnobs withMaxNumSeqs(int v) {
    return new VllmKnobs(gpuMemoryUtilization, maxModelLen, v, maxNumBatchedTokens, enablePrefixCaching, kvCacheDtype,
        tensorParallelSize, limitMmPerPromptImage, maxPixels);
  }

  public VllmKnobs withGpuMemoryUtilization(double v) {
    return new VllmKnobs(v, maxModelLen, maxNumSeqs, maxNumBatchedTokens, enablePrefixCaching, kvCacheDtype,
        tensorParallelSize, limitMmPerPromptImage, maxPixels);
  }

  public VllmKnobs withMaxModelLen(int v) {
    return new VllmKnobs(gpuMemoryUtilization, v, maxNumSeqs, maxNumBatchedTokens, enablePrefixCaching, kvCacheDtype,
        tensorParallelSize, limitMmPerPromptImage, maxPixels);
  }

  public VllmKnobs withTensorParallelSize(int v) {
    return new VllmKnobs(gpuMemoryUtilization, maxModelLen, maxNumSeqs, maxNumBatchedTokens, enablePrefixCaching, kvCacheDtype,
        v, limitMmPerPromptImage, maxPixels);
  }

  /** Knobs set in both: {@code over}'s win. */
  public VllmKnobs overriddenBy(VllmKnobs over) {
    return new VllmKnobs(
        over.gpuMemoryUtilization != null ? over.gpuMemoryUtilization : gpuMemoryUtilization,
        over.maxModelLen != null ? over.maxModelLen : maxModelLen,
        over.maxNumSeqs != null ? over.maxNumSeqs : maxNumSeqs,
        over.maxNumBatchedTokens != null ? over.maxNumBatchedTokens : maxNumBatchedTokens,
        over.enablePrefixCaching != null ? over.enablePrefixCaching : enablePrefixCaching,
        over.kvCacheDtype != null ? over.kvCacheDtype : kvCacheDtype,
        over.tensorParallelSize != null ? over.tensorParallelSize : tensorParallelSize,
        over.limitMmPerPromptImage != null ? over.limitMmPerPromptImage : limitMmPerPromptImage,
        over.maxPixels != null ? over.maxPixels : maxPixels);
  }

  public boolean isEmpty() {
    return values().isEmpty();
  }

  /**
   * Parses {@code name=value[,name=value]} with {@link #NAMES}; an error names the entry and what
   * is expected ({@link IllegalArgumentException}).
   */
  public static VllmKnobs parse(String spec) {
    Map<String, String> m = new LinkedHashMap<>();
    if (spec != null && !spec.isBlank()) {
      for (String entry : spec.split(",")) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("'" + entry + "': expected name=value with a name among " + String.join(", ", NAMES));
        }
        m.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
      }
    }
    return fromMap(m);
  }

  /** From knob name -> value text (a scenario's {@code emulator.vllm} object, parsed flags). */
  public static VllmKnobs fromMap(Map<String, String> m) {
    VllmKnobs k = NONE;
    for (Map.Entry<String, String> e : m.entrySet()) {
      String v = e.getValue();
      k = k.overriddenBy(switch (e.getKey()) {
        case "gpu_memory_utilization" -> new VllmKnobs(number(e), null, null, null, null, null, null, null, null);
        case "max_model_len" -> new VllmKnobs(null, whole(e), null, null, null, null, null, null, null);
        case "max_num_seqs" -> new VllmKnobs(null, null, whole(e), null, null, null, null, null, null);
        case "max_num_batched_tokens" -> new VllmKnobs(null, null, null, whole(e), null, null, null, null, null);
        case "enable_prefix_caching" -> new VllmKnobs(null, null, null, null, bool(e), null, null, null, null);
        case "kv_cache_dtype" -> new VllmKnobs(null, null, null, null, null, v.toLowerCase(Locale.ROOT), null, null, null);
        case "tensor_parallel_size" -> new VllmKnobs(null, null, null, null, null, null, whole(e), null, null);
        case "limit_mm_per_prompt.image" -> new VllmKnobs(null, null, null, null, null, null, null, whole(e), null);
        case "mm_processor_kwargs.max_pixels" -> new VllmKnobs(null, null, null, null, null, null, null, null, (long) whole(e));
        default -> throw new IllegalArgumentException("unknown vLLM knob '" + e.getKey() + "' (known: " + String.join(", ", NAMES) + ")");
      });
    }
    return k;
  }

  private static double number(Map.Entry<String, String> e) {
    try {
      return Double.parseDouble(e.getValue());
    } catch (NumberFormatException x) {
      throw new IllegalArgumentException(e.getKey() + ": expected a number, got '" + e.getValue() + "'");
    }
  }

  private static int whole(Map.Entry<String, String> e) {
    try {
      return Integer.parseInt(e.getValue());
    } catch (NumberFormatException x) {
      throw new IllegalArgumentException(e.getKey() + ": expected a whole number, got '" + e.getValue() + "'");
    }
  }

  private static boolean bool(Map.Entry<String, String> e) {
    if (!e.getValue().equals("true") && !e.getValue().equals("false")) {
      throw new IllegalArgumentException(e.getKey() + ": expected true or false, got '" + e.getValue() + "'");
    }
    return Boolean.parseBoolean(e.getValue());
  }

  /** Set knobs as name -> value text, in {@link #NAMES} order. */
  public Map<String, String> values() {
    Map<String, String> m = new LinkedHashMap<>();
    put(m, "gpu_memory_utilization", gpuMemoryUtilization);
    put(m, "max_model_len", maxModelLen);
    put(m, "max_num_seqs", maxNumSeqs);
    put(m, "max_num_batched_tokens", maxNumBatchedTokens);
    put(m, "enable_prefix_caching", enablePrefixCaching);
    put(m, "kv_cache_dtype", kvCacheDtype);
    put(m, "tensor_parallel_size", tensorParallelSize);
    put(m, "limit_mm_per_prompt.image", limitMmPerPromptImage);
    put(m, "mm_processor_kwargs.max_pixels", maxPixels);
    return m;
  }

  private static void put(Map<String, String> m, String k, Object v) {
    if (v != null) {
      m.put(k, v instanceof Double d ? stripZeros(d) : v.toString());
    }
  }

  private static String stripZeros(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** The set knobs as {@code vllm serve} flags, e.g. {@code --gpu-memory-utilization 0.95 --max-model-len 8192}. */
  public String flags() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : values().entrySet()) {
      switch (e.getKey()) {
        case "enable_prefix_caching" -> out.add(e.getValue().equals("true") ? "--enable-prefix-caching" : "--no-enable-prefix-caching");
        case "limit_mm_per_prompt.image" -> out.add("--limit-mm-per-prompt '{\"image\":" + e.getValue() + "}'");
        case "mm_processor_kwargs.max_pixels" -> out.add("--mm-processor-kwargs '{\"max_pixels\":" + e.getValue() + "}'");
        default -> out.add("--" + e.getKey().replace('_', '-') + " " + e.getValue());
      }
    }
    return String.join(" ", out);
  }
}
