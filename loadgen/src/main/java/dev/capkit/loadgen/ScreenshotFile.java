package dev.capkit.loadgen;

import dev.capkit.core.scenario.ScenarioException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * A real screenshot read from disk, sent as-is: a PNG or JPEG file of any size, its dimensions read
 * from the file header (PNG: the IHDR chunk; JPEG: the first start-of-frame marker), its bytes base64
 * encoded once into a {@code data:image/png;base64,...} or {@code data:image/jpeg;base64,...} URL.
 * The type is taken from the file's signature, not its name. Errors are {@link ScenarioException}s
 * naming the file and {@code field} (the scenario field that pointed at it).
 *
 * @param dataUrl the data URL in US-ASCII
 */
public record ScreenshotFile(Path path, String mime, int width, int height, long bytes, byte[] dataUrl) {

  /** Reads {@code path}; {@code field} names the scenario field for errors. */
  public static ScreenshotFile read(Path path, String field) {
    byte[] data;
    try {
      data = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new ScenarioException(path.toString(), field, "cannot read the screenshot: " + e);
    }
    String mime;
    int[] size;
    if (isPng(data)) {
      mime = "image/png";
      size = pngSize(data, path, field);
    } else if (data.length > 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8) {
      mime = "image/jpeg";
      size = jpegSize(data, path, field);
    } else {
      throw new ScenarioException(path.toString(), field, "not a PNG or JPEG file (no PNG or JPEG signature)");
    }
    byte[] prefix = ("data:" + mime + ";base64,").getBytes(StandardCharsets.US_ASCII);
    byte[] base64 = Base64.getEncoder().encode(data);
    byte[] url = new byte[prefix.length + base64.length];
    System.arraycopy(prefix, 0, url, 0, prefix.length);
    System.arraycopy(base64, 0, url, prefix.length, base64.length);
    return new ScreenshotFile(path, mime, size[0], size[1], data.length, url);
  }

  /** Whether the name ends in .png, .jpg or .jpeg (any case). */
  public static boolean looksLikeImage(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
  }

  private static boolean isPng(byte[] d) {
    byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (d.length < sig.length) {
      return false;
    }
    for (int i = 0; i < sig.length; i++) {
      if (d[i] != sig[i]) {
        return false;
      }
    }
    return true;
  }

  private static int[] pngSize(byte[] d, Path path, String field) {
    if (d.length < 24 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
      throw new ScenarioException(path.toString(), field, "PNG without an IHDR chunk first (truncated or corrupt)");
    }
    return checked(new int[] {int32(d, 16), int32(d, 20)}, path, field);
  }

  private static int[] jpegSize(byte[] d, Path path, String field) {
    int p = 2;
    while (p + 4 <= d.length) {
      if ((d[p] & 0xFF) != 0xFF) {
        break;
      }
      int marker = d[p + 1] & 0xFF;
      if (marker == 0xFF) {
        p++; // fill byte
        continue;
      }
      int length = ((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF);
      boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (frame && p + 9 <= d.length) {
        int height = ((d[p + 5] & 0xFF) << 8) | (d[p + 6] & 0xFF);
        int width = ((d[p + 7] & 0xFF) << 8) | (d[p + 8] & 0xFF);
        return checked(new int[] {width, height}, path, field);
      }
      p += 2 + length;
    }
    throw new ScenarioException(path.toString(), field, "JPEG without a start-of-frame header (truncated or corrupt)");
  }

  private static int[] checked(int[] size, Path path, String field) {
    if (size[0] < 1 || size[1] < 1) {
      throw new ScenarioException(path.toString(), field, "image header gives size " + size[0] + "x" + size[1]);
    }
    return size;
  }

  private static int int32(byte[] d, int at) {
    return ((d[at] & 0xFF) << 24) | ((d[at + 1] & 0xFF) << 16) | ((d[at + 2] & 0xFF) << 8) | (d[at + 3] & 0xFF);
  }

  @Override
  public String toString() {
    return "ScreenshotFile[" + path + ", " + mime + ", " + width + "x" + height + ", " + bytes + " bytes]";
  }
}
