package dev.capkit.llamacpp.engine;

/** The prompt plus max_tokens does not fit a slot's context. */
public final class PromptTooLongException extends Exception {
  public PromptTooLongException(String message) {
    super(message);
  }
}
