package dev.capkit.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The capkit version this code was built as (the Maven project version, filtered into
 * {@code capkit.properties} at build time), recorded in every run's {@code software.capkit}.
 */
public final class CapkitVersion {
  private CapkitVersion() {}

  /** E.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the resource is missing (an unfiltered build). */
  public static String get() {
    try (InputStream in = CapkitVersion.class.getResourceAsStream("capkit.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
