package dev.capkit.llamacpp.engine;

/**
 * OpenAI sampling fields passed to llama.cpp, within OpenAI's ranges (which keep the generated
 * model's output guarantee: see {@code OutputMargin}).
 *
 * @param temperature      0..2 (0 = greedy)
 * @param topP             (0, 1]
 * @param frequencyPenalty -2..2
 * @param presencePenalty  -2..2
 * @param seed             sampler seed, or -1 for llama.cpp's random seed
 */
public record Sampling(double temperature, double topP, double frequencyPenalty, double presencePenalty, long seed) {
  public static final Sampling DEFAULT = new Sampling(1, 1, 0, 0, -1);
}
