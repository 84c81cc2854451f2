package dev.capkit.netem;

/** A network profile file or name that cannot be used; the message names file, field and value. */
public final class NetworkProfileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NetworkProfileException(String message) {
    super(message);
  }

  public NetworkProfileException(String message, Throwable cause) {
    super(message, cause);
  }
}
