package dev.capkit.loadgen;

/**
 * The serving engines capkit recognises, with what their sources say about them (the metric names
 * are read from these files; the commit is the one read).
 *
 * <ul>
 *   <li>{@link #VLLM}: vllm-project/vllm {@code vllm/v1/metrics/loggers.py} @005a810b: {@code vllm:} gauges
 *       and counters labelled {@code model_name}, {@code engine}; Python's prometheus_client adds
 *       {@code process_*}; {@code /v1/models} answers {@code owned_by: "vllm"}.
 *   <li>{@link #SGLANG}: sgl-project/sglang {@code python/sglang/srt/metrics/collector.py} @00ae9c15:
 *       {@code sglang:} series; {@code owned_by: "sglang"}.
 *   <li>{@link #LLAMA_CPP}: ggml-org/llama.cpp {@code examples/server/server.cpp} @03d4bccb
 *       ({@code handle_metrics}, enabled by {@code --metrics}): {@code llamacpp:} counters and gauges
 *       only, no process metrics; {@code owned_by: "llamacpp"}.
 *   <li>{@link #TGI}: huggingface/text-generation-inference {@code router/src/server.rs},
 *       {@code backends/v3/src/{queue,backend,lib}.rs} @db931fcf: {@code tgi_} series from the
 *       Rust metrics exporter, no process metrics; {@code owned_by} is the model id.
 *   <li>{@link #CAPKIT_EMULATOR}: capkit's own emulator, which speaks vLLM's metric names.
 * </ul>
 */
public enum ServingEngine {
  VLLM("vLLM", "vllm:", true),
  SGLANG("SGLang", "sglang:", true),
  LLAMA_CPP("llama.cpp server", "llamacpp:", false),
  TGI("Hugging Face TGI", "tgi_", false),
  CAPKIT_EMULATOR("capkit emulator", "vllm:", true),
  UNKNOWN("unknown engine", "", true);

  private final String displayName;
  private final String metricPrefix;
  private final boolean processMetricsExpected;

  ServingEngine(String displayName, String metricPrefix, boolean processMetricsExpected) {
    this.displayName = displayName;
    this.metricPrefix = metricPrefix;
    this.processMetricsExpected = processMetricsExpected;
  }

  public String displayName() {
    return displayName;
  }

  /** Prefix of the engine's own Prometheus series ({@code vllm:}, {@code sglang:}, {@code llamacpp:}, {@code tgi_}). */
  public String metricPrefix() {
    return metricPrefix;
  }

  /** Whether the engine's {@code /metrics} carries {@code process_*} series at all (llama.cpp and TGI do not). */
  public boolean processMetricsExpected() {
    return processMetricsExpected;
  }

  /**
   * Whether the engine's OpenAI-compatible chat endpoint takes {@code ignore_eos} (vLLM's and
   * SGLang's request models, llama.cpp's server parameters, capkit's emulator), so outputs run to {@code max_tokens}.
   */
  public boolean honoursIgnoreEos() {
    return this == VLLM || this == SGLANG || this == LLAMA_CPP || this == CAPKIT_EMULATOR;
  }

  /** Short id recorded in run.json ({@code vllm}, {@code sglang}, {@code llama.cpp}, {@code tgi}, ...). */
  public String id() {
    return switch (this) {
      case VLLM -> "vllm";
      case SGLANG -> "sglang";
      case LLAMA_CPP -> "llama.cpp";
      case TGI -> "tgi";
      case CAPKIT_EMULATOR -> "capkit-emulator";
      case UNKNOWN -> "unknown";
    };
  }
}
