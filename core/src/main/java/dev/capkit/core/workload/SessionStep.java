package dev.capkit.core.workload;

import java.nio.file.Path;

/**
 * One recorded model call of a phone-agent session.
 *
 * @param line        1-based line of the sessions file
 * @param screenshot  the screenshot file sent with the step (resolved against the sessions file's folder; exists)
 * @param prompt      the user turn's text sent with the screenshot
 * @param thinkMillis time the agent spent after the answer before its next call (acting, waiting for the screen)
 * @param maxTokens   {@code max_tokens} sent
 */
public record SessionStep(int line, Path screenshot, String prompt, long thinkMillis, int maxTokens) {}
