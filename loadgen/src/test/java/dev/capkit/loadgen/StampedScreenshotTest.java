package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Stamped screenshots decode (every chunk CRC and the zlib Adler-32 checked here, not trusted to
 * the decoder) to the generated image, except that the last row's first 64 colour bytes differ by
 * at most one level, and different stamps give different pixels.
 */
class StampedScreenshotTest {

  private static final String PREFIX = "data:image/png;base64,";

  @Test
  void aStampedScreenshotIsTheSameImageWithinOneLevelInTheStampOnly() throws Exception {
    ScreenshotPng shot = ScreenshotPng.generate(270, 600, 5L);
    StampedScreenshot stamped = StampedScreenshot.of(shot);
    int[] original = rgb(shot.png());
    for (long stamp : new long[] {0L, -1L, 0x5DEECE66DL, Long.MIN_VALUE}) {
      byte[] png = png(stamped.head(), stamped.tail(stamp));
      assertChecksums(png);
      int[] pixels = rgb(png);
      int stampStart = 270 * 599;
      for (int i = 0; i < pixels.length; i++) {
        for (int shift = 0; shift <= 16; shift += 8) {
          int d = Math.abs((pixels[i] >> shift & 0xFF) - (original[i] >> shift & 0xFF));
          boolean inStamp = i >= stampStart && i < stampStart + 22;
          assertTrue(d == 0 || inStamp && d == 1, "pixel " + i + " channel " + shift + " differs by " + d);
        }
      }
    }
  }

  @Test
  void differentStampsDifferentPixelsSameStampSameBytes() throws Exception {
    StampedScreenshot stamped = StampedScreenshot.of(ScreenshotPng.generate(108, 240, 9L));
    int[] a = rgb(png(stamped.head(), stamped.tail(1L)));
    int[] b = rgb(png(stamped.head(), stamped.tail(2L)));
    int[] c = rgb(png(stamped.head(), stamped.tail(1L << 63)));
    assertFalse(Arrays.equals(a, b));
    assertFalse(Arrays.equals(a, c));
    assertArrayEquals(stamped.tail(42L), stamped.tail(42L));
  }

  @Test
  void theTailIsSmallTheHeadCarriesTheImage() {
    StampedScreenshot stamped = StampedScreenshot.of(ScreenshotPool.of(1080, 2400).variant(0));
    assertTrue(stamped.tail(7L).length < 5_000, "tail base64 bytes: " + stamped.tail(7L).length);
    assertTrue(stamped.head().length > 400_000, "head base64 bytes: " + stamped.head().length);
  }

  /** Step 1 of sessions 0 and 4 drew the same pool variant and were byte-identical before the stamp. */
  @Test
  void firstStepsOfTwoSessionsOnOneVariantCarryDifferentPixels() throws Exception {
    ScreenshotPool pool = ScreenshotPool.of(216, 480, 4);
    var steps = new PhoneStepRequests("phone-step", "m", PhoneStepRequests.Language.EN, 3000, pool);
    int[] s0 = rgb(screenshot(steps.step(0, 0, 0L)));
    int[] s4 = rgb(screenshot(steps.step(0, 0, 4L)));
    assertEquals(s0.length, s4.length);
    assertFalse(Arrays.equals(s0, s4), "sessions 0 and 4 sent the same pixels");
    assertArrayEquals(steps.step(0, 0, 4L).body(), steps.step(0, 0, 4L).body(), "a step's bytes are deterministic");
  }

  @Test
  void aFolderPoolSendsItsFilesAsTheyAre() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("shots");
    java.nio.file.Files.write(dir.resolve("a.png"), ScreenshotPng.generate(64, 128, 1L).png());
    ScreenshotPool folder = ScreenshotPool.ofFolder(dir, "screenshots");
    byte[][] segments = folder.dataUrl(0, 12345L);
    assertEquals(1, segments.length);
    assertArrayEquals(folder.dataUrl(0), segments[0]);
  }

  private static byte[] screenshot(ChatRequest request) throws IOException {
    JsonNode b = new ObjectMapper().readTree(request.body());
    String url = b.get("messages").get(1).get("content").get(0).get("image_url").get("url").asText();
    return Base64.getDecoder().decode(url.substring(PREFIX.length()));
  }

  private static byte[] png(byte[] head, byte[] tail) {
    String url = new String(head, StandardCharsets.US_ASCII) + new String(tail, StandardCharsets.US_ASCII);
    assertTrue(url.startsWith(PREFIX));
    return Base64.getDecoder().decode(url.substring(PREFIX.length()));
  }

  private static int[] rgb(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  /** Every chunk's CRC-32, and the IDAT stream inflated with its Adler-32 checked by zlib. */
  private static void assertChecksums(byte[] png) throws Exception {
    ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    while (in.hasRemaining()) {
      int length = in.getInt();
      int start = in.position();
      CRC32 crc = new CRC32();
      crc.update(png, start, 4 + length);
      if (new String(png, start, 4, StandardCharsets.US_ASCII).equals("IDAT")) {
        idat.write(png, start + 4, length);
      }
      in.position(start + 4 + length);
      assertEquals((int) crc.getValue(), in.getInt(), "CRC of the chunk at " + (start - 4));
    }
    Inflater inflater = new Inflater();
    inflater.setInput(idat.toByteArray());
    byte[] out = new byte[1 << 20];
    int total = 0;
    while (!inflater.finished()) {
      int n = inflater.inflate(out); // throws DataFormatException on a wrong Adler-32
      assertTrue(n > 0 || !inflater.needsInput(), "truncated zlib stream");
      total += n;
    }
    inflater.end();
    assertTrue(total > 0);
  }
}
