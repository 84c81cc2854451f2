package dev.capkit.twin.catalog;

/**
 * A catalog file is missing, unreadable or holds a bad value. The message names the file, the
 * field path and the offending value, e.g. {@code gpus.json: gpus[2].vram_gib: expected a number, got "lots"}.
 */
public final class CatalogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
