package dev.capkit.core.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a secret (an API key) from a file, so it never appears on a command line or in a process
 * listing: the first line, trimmed. Errors name the option and the file, never the content.
 *
 * <pre>{@code
 * String key = SecretFile.read("/run/secrets/capkit-api-key");
 * }</pre>
 */
public final class SecretFile {
  private static final long MAX_BYTES = 64 * 1024;

  private SecretFile() {}

  /** The key in {@code file}; errors say why without the file's content (callers name the option and file). */
  public static String read(String file) {
    Path path = Path.of(file);
    try {
      if (!Files.isRegularFile(path) || Files.size(path) > MAX_BYTES) {
        throw new IllegalArgumentException("not a readable file of at most 64 KB");
      }
      String first = Files.readString(path, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
      if (first.isEmpty()) {
        throw new IllegalArgumentException("the file's first line is empty (expected the key)");
      }
      return first;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read it (" + e.getClass().getSimpleName() + ")");
    }
  }
}
