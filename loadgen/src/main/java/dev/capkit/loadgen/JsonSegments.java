package dev.capkit.loadgen;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds request bodies from prebuilt UTF-8 byte segments: JSON escaping happens once when a
 * segment is made, and a request is one allocation plus {@code System.arraycopy} calls. This is
 * why a 1.5 MB phone-step body costs microseconds, not a JSON serialisation, per request.
 */
final class JsonSegments {

  private JsonSegments() {}

  /** {@code "text"} as a JSON string literal (quotes included), UTF-8. */
  static byte[] quoted(String text) {
    byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    byte[] out = new byte[inner.length + 2];
    out[0] = '"';
    System.arraycopy(inner, 0, out, 1, inner.length);
    out[out.length - 1] = '"';
    return out;
  }

  /** UTF-8 bytes of raw JSON text the caller has already escaped. */
  static byte[] raw(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** Concatenates segments (each may be {@code null}, meaning empty). */
  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part == null ? 0 : part.length;
    }
    byte[] out = new byte[length];
    int pos = 0;
    for (byte[] part : parts) {
      if (part != null) {
        System.arraycopy(part, 0, out, pos, part.length);
        pos += part.length;
      }
    }
    return out;
  }

  /** A growable buffer for building segments at construction time (not per request). */
  static final class Builder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);

    Builder raw(String json) {
      out.writeBytes(JsonSegments.raw(json));
      return this;
    }

    Builder quoted(String text) {
      out.writeBytes(JsonSegments.quoted(text));
      return this;
    }

    byte[] build() {
      return out.toByteArray();
    }
  }
}
