package dev.capkit.core.scenario;

/**
 * What the embedded emulator emulates when a run has no real target.
 *
 * @param tier    instance type id from {@code scenarios/catalog}, e.g. {@code gn7e-c16g1.4xlarge}
 * @param dtype   weight precision: {@code bf16}, {@code fp8} or {@code int4}
 * @param profile {@code physics} (roofline timing) or {@code instant} (no simulated GPU time)
 * @param vllm    the emulated server's vLLM flags, vLLM's names ({@link #VLLM_KNOBS}) -> value as text, e.g.
 *                {@code "emulator": {"vllm": {"gpu_memory_utilization": 0.95, "max_model_len": 16384}}};
 *                empty = the catalog's. Values are checked by the twin's {@code VllmKnobs} when the emulator starts.
 */
public record EmulatorSettings(String tier, String dtype, String profile, java.util.Map<String, String> vllm) {
  /** The knob names a scenario's {@code emulator.vllm} object may hold (the twin's {@code VllmKnobs.NAMES}). */
  public static final java.util.List<String> VLLM_KNOBS = java.util.List.of("gpu_memory_utilization", "max_model_len",
      "max_num_seqs", "max_num_batched_tokens", "enable_prefix_caching", "kv_cache_dtype", "tensor_parallel_size",
      "limit_mm_per_prompt.image", "mm_processor_kwargs.max_pixels");

  public EmulatorSettings {
    vllm = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vllm));
  }

  /** Settings without vLLM overrides. */
  public EmulatorSettings(String tier, String dtype, String profile) {
    this(tier, dtype, profile, java.util.Map.of());
  }
}
