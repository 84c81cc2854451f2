package dev.capkit.twin;

/**
 * The emulator cannot start with these options: the model does not fit the tier's GPU (the message
 * says memory needed vs available and which dtype would fit, as vLLM's start-up check would), a
 * catalog is bad, or the port cannot be bound.
 */
public final class ServingRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public ServingRefusedException(String message) {
    super(message);
  }

  public ServingRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
