package dev.capkit.llamacpp.engine;

/** Receives a completion's tokens as llama.cpp hands them over, on the generating thread. */
public interface TokenSink {
  /**
   * One generated token's text. Return false to cancel the completion (the client went away);
   * llama.cpp then frees the slot.
   */
  boolean token(String text);

  /**
   * Whether the completion is still wanted when its turn for a slot comes (false: the client went
   * away while it waited, and it is dropped without running).
   */
  default boolean wanted() {
    return true;
  }
}
