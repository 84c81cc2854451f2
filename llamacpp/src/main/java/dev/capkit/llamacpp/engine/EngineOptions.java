package dev.capkit.llamacpp.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start llama.cpp.
 *
 * @param gguf      the model file
 * @param modelName the id served in {@code /v1/models} and echoed in responses
 * @param parallel  slots: requests decoded together by continuous batching ({@code --parallel})
 * @param context   KV-cache size in tokens shared by all slots ({@code --ctx-size}); each slot gets context / parallel
 * @param threads   CPU threads for decode and prefill ({@code --threads}, {@code --threads-batch})
 * @param verbose   whether llama.cpp logs to stdout (off: only errors)
 * @param computeCpus the CPUs llama.cpp's compute threads get to themselves, the rest of the engine running on the
 *                  other CPUs ({@code --compute-cpus}, see {@link ComputePinning}); null: not placed
 */
public record EngineOptions(Path gguf, String modelName, int parallel, int context, int threads, boolean verbose,
    CpuList computeCpus) {
  /** Options whose threads are not placed (the operating system schedules every thread anywhere). */
  public EngineOptions(Path gguf, String modelName, int parallel, int context, int threads, boolean verbose) {
    this(gguf, modelName, parallel, context, threads, verbose, null);
  }

  public EngineOptions {
    Objects.requireNonNull(gguf, "gguf");
    Objects.requireNonNull(modelName, "modelName");
    if (parallel < 1 || parallel > 256) {
      throw new IllegalArgumentException("--parallel must be 1..256, got " + parallel);
    }
    if (context < 64 * parallel) {
      throw new IllegalArgumentException("--ctx must give each of the " + parallel + " slots at least 64 tokens, got " + context);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    if (computeCpus != null && computeCpus.isEmpty()) {
      throw new IllegalArgumentException("--compute-cpus must name at least one CPU");
    }
  }

  /** Tokens of context each slot has for prompt + completion. */
  public int slotContext() {
    return context / parallel;
  }
}
