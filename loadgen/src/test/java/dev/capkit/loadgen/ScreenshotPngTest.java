package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ScreenshotPngTest {

  @Test
  void fullSizeScreenshotIsARealPngOfRealisticSize() throws IOException {
    ScreenshotPng shot = ScreenshotPool.of(1080, 2400).variant(0);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(shot.png()));
    assertEquals(1080, image.getWidth());
    assertEquals(2400, image.getHeight());
    // Real 1080x2400 screenshots are roughly 0.3-1.5 MB of PNG.
    assertTrue(shot.png().length > 300_000 && shot.png().length < 1_500_000, "PNG bytes: " + shot.png().length);
  }

  @Test
  void dataUrlIsTheBase64OfThePng() {
    ScreenshotPng shot = ScreenshotPng.generate(90, 200, 3L);
    String url = new String(shot.dataUrl(), StandardCharsets.US_ASCII);
    assertTrue(url.startsWith("data:image/png;base64,"));
    assertArrayEquals(shot.png(), Base64.getDecoder().decode(url.substring("data:image/png;base64,".length())));
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() {
    ScreenshotPng a = ScreenshotPng.generate(270, 600, 11L);
    ScreenshotPng b = ScreenshotPng.generate(270, 600, 11L);
    ScreenshotPng c = ScreenshotPng.generate(270, 600, 12L);
    assertArrayEquals(a.png(), b.png());
    assertFalse(Arrays.equals(a.png(), c.png()));
  }

  @Test
  void poolIsSharedAndWrapsIndexes() {
    ScreenshotPool pool = ScreenshotPool.of(108, 240, 3);
    assertSame(pool, ScreenshotPool.of(108, 240, 3));
    assertEquals(3, pool.size());
    assertSame(pool.variant(1), pool.variant(4));
    assertSame(pool.variant(2), pool.variant(-1));
  }

  @Test
  void absurdSizesAreRefusedWithTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScreenshotPng.generate(0, 2400, 1));
    assertTrue(e.getMessage().contains("0x2400"), e.getMessage());
  }
}
