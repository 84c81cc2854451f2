package dev.capkit.core.workload;

/**
 * One turn of a recorded chat conversation.
 *
 * @param role {@code system}, {@code user} or {@code assistant} (ShareGPT's {@code system}, {@code human}, {@code gpt})
 * @param text the turn's text
 */
public record ChatTurn(String role, String text) {}
