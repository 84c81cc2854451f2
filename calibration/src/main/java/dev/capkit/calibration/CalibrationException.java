package dev.capkit.calibration;

/** Input calibration cannot use; the message names the file, the field and the value (exit 2). */
public final class CalibrationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CalibrationException(String message) {
    super(message);
  }

  public CalibrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
