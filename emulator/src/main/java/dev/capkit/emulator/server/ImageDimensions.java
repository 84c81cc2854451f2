package dev.capkit.emulator.server;

import dev.capkit.twin.PromptAdmission.ImageSize;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads an image's width and height from a {@code data:} URL without decoding the picture: the
 * PNG IHDR chunk (bytes 16-23 after the 8-byte signature) or, for JPEG, the first SOFn segment.
 * Open-AutoGLM sends {@code data:image/png;base64,...} screenshots.
 */
final class ImageDimensions {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private ImageDimensions() {}

  static ImageSize fromDataUrl(String url) throws ApiError {
    if (!url.startsWith("data:")) {
      throw ApiError.badRequest("messages", "image_url must be a data: URL in the emulator (it cannot fetch "
          + abbreviate(url) + ")");
    }
    int comma = url.indexOf(',');
    if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
      throw ApiError.badRequest("messages", "image_url data URL must be base64-encoded, got " + abbreviate(url));
    }
    String payload = url.substring(comma + 1);
    byte[] head = decode(payload, 32);
    if (startsWith(head, PNG_SIGNATURE)) {
      if (head.length < 24 || !new String(head, 12, 4, StandardCharsets.US_ASCII).equals("IHDR")) {
        throw ApiError.badRequest("messages", "image_url holds a PNG without an IHDR chunk");
      }
      return new ImageSize(int32(head, 16), int32(head, 20));
    }
    if (head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8) {
      return jpeg(decode(payload, payload.length()));
    }
    throw ApiError.badRequest("messages", "image_url holds neither PNG nor JPEG data (first bytes "
        + hex(head) + ")");
  }

  private static ImageSize jpeg(byte[] b) throws ApiError {
    int i = 2;
    while (i + 9 < b.length) {
      if ((b[i] & 0xFF) != 0xFF) {
        i++;
        continue;
      }
      int marker = b[i + 1] & 0xFF;
      int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        int height = ((b[i + 5] & 0xFF) << 8) | (b[i + 6] & 0xFF);
        int width = ((b[i + 7] & 0xFF) << 8) | (b[i + 8] & 0xFF);
        return new ImageSize(width, height);
      }
      i += 2 + length;
    }
    throw ApiError.badRequest("messages", "image_url holds a JPEG without a frame header");
  }

  private static byte[] decode(String payload, int chars) throws ApiError {
    int n = Math.min(payload.length(), chars) & ~3;
    try {
      return Base64.getDecoder().decode(payload.substring(0, n).strip());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("messages", "image_url base64 is invalid: " + e.getMessage());
    }
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    if (a.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int int32(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(8, b.length); i++) {
      s.append(String.format("%02x", b[i] & 0xFF));
    }
    return s.toString();
  }

  private static String abbreviate(String url) {
    return url.length() > 48 ? url.substring(0, 45) + "..." : url;
  }
}
