package dev.capkit.llamacpp.engine;

/**
 * What one completion did, as counted at the engine's result queue.
 *
 * @param promptTokens     tokens of the templated prompt, by llama.cpp's tokenizer
 * @param completionTokens tokens llama.cpp generated (one result per token)
 * @param cancelled        whether the sink cancelled it before max_tokens
 */
public record CompletionResult(int promptTokens, int completionTokens, boolean cancelled) {
}
