package dev.capkit.llamacpp.model;

import java.nio.file.Path;

/**
 * A model file {@link RandomLlamaGguf} wrote, with what was built into it.
 *
 * @param file        the GGUF file
 * @param shape       its dimensions
 * @param seed        the seed of its weights
 * @param wordTokens  how many tokens it can emit (space + ASCII letters)
 * @param marginLogits the guaranteed logit gap between any word token and any other token ({@link OutputMargin})
 * @param bytes       file size
 */
public record GeneratedModel(Path file, ModelShape shape, long seed, int wordTokens, double marginLogits, long bytes) {
}
