package dev.capkit.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

/**
 * A generated screenshot whose pixels can be made unique per request for a few microseconds: the
 * same image as its {@link ScreenshotPng}, re-encoded so that its last pixel row travels in a zlib
 * <em>stored</em> (uncompressed) block of its own IDAT chunk. A stamp (any {@code long}) is written
 * into the least significant bit of that row's first 64 colour bytes (about 21 pixels change by at
 * most one level), and only the tail of the PNG is rebuilt: the row, the zlib Adler-32, the chunk's
 * CRC-32 and IEND, a few kilobytes of base64. The rest of the data URL is one shared segment.
 *
 * <p>Why: vLLM keys its prefix cache (and its multimodal caches) on a hash of the decoded pixels,
 * and capkit's emulator on the image bytes. A pool of a few screenshots would let the first step of
 * every fifth session hit the cache with the screenshot of an earlier one; real phones' screens
 * differ. Different stamps give different pixels (for widths of at least 22 px every bit of the
 * stamp lands in a pixel).
 *
 * <pre>{@code
 * StampedScreenshot shot = StampedScreenshot.of(ScreenshotPng.generate(1080, 2400, 7L));
 * byte[][] dataUrl = {shot.head(), shot.tail(sessionStamp)};   // "data:image/png;base64,..." in two segments
 * }</pre>
 * Thread-safe.
 */
public final class StampedScreenshot {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final int BASE = 65521;
  private static final int STAMP_BYTES = 64;

  private final byte[] head;
  private final byte[] template; // carried head bytes + last IDAT chunk + IEND, unstamped
  private final int rowOffset; // where the row's filter byte sits in template
  private final int rowLength; // filter byte + 3 x width
  private final int adlerA; // Adler-32 of the whole image, unstamped
  private final int adlerB;
  private final int adlerOffset;
  private final int crcOffset;

  private StampedScreenshot(byte[] head, byte[] template, int rowOffset, int rowLength, int adler, int adlerOffset,
      int crcOffset) {
    this.head = head;
    this.template = template;
    this.rowOffset = rowOffset;
    this.rowLength = rowLength;
    this.adlerA = adler & 0xFFFF;
    this.adlerB = adler >>> 16;
    this.adlerOffset = adlerOffset;
    this.crcOffset = crcOffset;
  }

  /** Re-encodes {@code shot} (an 8-bit RGB, non-interlaced PNG as {@link ScreenshotPng} writes). */
  public static StampedScreenshot of(ScreenshotPng shot) {
    byte[] png = shot.png();
    ByteBuffer in = ByteBuffer.wrap(png);
    byte[] signature = new byte[8];
    in.get(signature);
    if (!Arrays.equals(signature, SIGNATURE)) {
      throw new IllegalArgumentException(shot + ": not a PNG");
    }
    ByteArrayOutputStream before = new ByteArrayOutputStream(); // signature and chunks before IDAT
    before.writeBytes(signature);
    ByteArrayOutputStream compressed = new ByteArrayOutputStream(png.length);
    int width = 0;
    int height = 0;
    while (in.remaining() >= 12) {
      int start = in.position();
      int length = in.getInt();
      String type = new String(png, in.position(), 4, StandardCharsets.US_ASCII);
      in.position(in.position() + 4);
      if (type.equals("IHDR")) {
        width = in.getInt(in.position());
        height = in.getInt(in.position() + 4);
        int depth = png[in.position() + 8];
        int colour = png[in.position() + 9];
        int interlace = png[in.position() + 12];
        if (depth != 8 || colour != 2 || interlace != 0) {
          throw new IllegalArgumentException(shot + ": expected 8-bit RGB, not interlaced; IHDR says depth " + depth
              + ", colour type " + colour + ", interlace " + interlace);
        }
      }
      if (type.equals("IDAT")) {
        compressed.write(png, in.position(), length);
      } else if (!type.equals("IEND") && compressed.size() == 0) {
        before.write(png, start, 12 + length);
      }
      in.position(in.position() + length + 4);
    }
    byte[] filtered = inflate(compressed.toByteArray(), shot);
    int rowLength = 1 + 3 * width;
    if (filtered.length != (long) rowLength * height || height < 2 || rowLength > 65535) {
      throw new IllegalArgumentException(shot + ": " + filtered.length + " bytes of scanlines for " + width + "x"
          + height);
    }
    // Rows 0..h-2 keep the encoder's filters (each refers only to rows above it); the last row is
    // unfiltered (filter 0), so its bytes are its pixels and may be changed alone.
    int lastRow = rowLength * (height - 1);
    byte[] row = lastRowPixels(filtered, width, height);
    byte[] image = Arrays.copyOf(filtered, filtered.length);
    System.arraycopy(row, 0, image, lastRow, rowLength);
    Adler32 adler32 = new Adler32();
    adler32.update(image);
    int adler = (int) adler32.getValue();

    ByteArrayOutputStream zlib = new ByteArrayOutputStream(png.length);
    zlib.write(0x78);
    zlib.write(0x9C);
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try (DeflaterOutputStream out = new DeflaterOutputStream(zlib, deflater, 65536, true)) {
      out.write(image, 0, lastRow);
      out.flush(); // SYNC_FLUSH: byte-aligned, not final; the stored block follows
      ByteArrayOutputStream headPng = new ByteArrayOutputStream(png.length);
      headPng.writeBytes(before.toByteArray());
      chunk(headPng, "IDAT", zlib.toByteArray());
      byte[] shared = headPng.toByteArray();
      int cut = shared.length - shared.length % 3; // base64 of the head stays valid on its own
      ByteBuffer stored = ByteBuffer.allocate(5 + rowLength + 4);
      stored.put((byte) 1).put((byte) rowLength).put((byte) (rowLength >>> 8))
          .put((byte) ~rowLength).put((byte) (~rowLength >>> 8)).put(row).putInt(adler);
      ByteArrayOutputStream tail = new ByteArrayOutputStream();
      tail.write(shared, cut, shared.length - cut);
      int chunkStart = tail.size();
      chunk(tail, "IDAT", stored.array());
      chunk(tail, "IEND", new byte[0]);
      byte[] template = tail.toByteArray();
      byte[] prefix = "data:image/png;base64,".getBytes(StandardCharsets.US_ASCII);
      byte[] base64 = Base64.getEncoder().encode(Arrays.copyOf(shared, cut));
      byte[] head = Arrays.copyOf(prefix, prefix.length + base64.length);
      System.arraycopy(base64, 0, head, prefix.length, base64.length);
      int rowOffset = chunkStart + 8 + 5;
      return new StampedScreenshot(head, template, rowOffset, rowLength, adler, rowOffset + rowLength,
          rowOffset + rowLength + 4);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deflater.end();
    }
  }

  /** The data URL's shared first segment: {@code data:image/png;base64,} and most of the image. */
  public byte[] head() {
    return head;
  }

  /** The data URL's last segment, for this stamp (base64, ends the URL). */
  public byte[] tail(long stamp) {
    byte[] t = template.clone();
    long a = adlerA;
    long b = adlerB;
    int bits = Math.min(STAMP_BYTES, rowLength - 1);
    for (int i = 0; i < bits; i++) {
      int at = rowOffset + 1 + i; // after the filter byte
      int old = t[at] & 0xFF;
      int now = (old & ~1) | (int) (stamp >>> i & 1);
      if (now != old) {
        int d = now - old;
        t[at] = (byte) now;
        a += d;
        b += (long) (rowLength - 1 - i) * d; // the byte's weight in Adler-32's sum: bytes from it to the end
      }
    }
    a = Math.floorMod(a, BASE);
    b = Math.floorMod(b, BASE);
    ByteBuffer.wrap(t).putInt(adlerOffset, (int) (b << 16 | a));
    CRC32 crc = new CRC32();
    crc.update(t, rowOffset - 9, crcOffset - (rowOffset - 9)); // "IDAT" + stored block + Adler-32
    ByteBuffer.wrap(t).putInt(crcOffset, (int) crc.getValue());
    return Base64.getEncoder().encode(t);
  }

  /** The last row unfiltered: filter byte 0, then its pixels (undoing the encoder's filters row by row). */
  private static byte[] lastRowPixels(byte[] filtered, int width, int height) {
    int rowLength = 1 + 3 * width;
    byte[] prior = new byte[rowLength];
    byte[] row = new byte[rowLength];
    for (int y = 0; y < height; y++) {
      int base = y * rowLength;
      int filter = filtered[base];
      for (int i = 1; i < rowLength; i++) {
        int x = filtered[base + i] & 0xFF;
        int left = i > 3 ? row[i - 3] & 0xFF : 0;
        int up = prior[i] & 0xFF;
        int upLeft = i > 3 ? prior[i - 3] & 0xFF : 0;
        int value = switch (filter) {
          case 0 -> x;
          case 1 -> x + left;
          case 2 -> x + up;
          case 3 -> x + (left + up) / 2;
          case 4 -> x + paeth(left, up, upLeft);
          default -> throw new IllegalArgumentException("PNG row " + y + ": unknown filter type " + filter);
        };
        row[i] = (byte) value;
      }
      byte[] swap = prior;
      prior = row;
      row = swap;
    }
    prior[0] = 0;
    return prior;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }

  private static byte[] inflate(byte[] zlib, ScreenshotPng shot) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(zlib);
      ByteArrayOutputStream out = new ByteArrayOutputStream(zlib.length * 4);
      byte[] buffer = new byte[65536];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException(shot + ": truncated image data");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException(shot + ": corrupt image data: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
