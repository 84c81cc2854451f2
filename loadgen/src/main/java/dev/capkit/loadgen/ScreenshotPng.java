package dev.capkit.loadgen;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A generated phone screenshot: real PNG bytes of a given size that look, to a PNG encoder and to
 * a vision encoder's resize, like a phone UI (status bar, app bar, list rows with avatars and
 * lines of glyph-like text, a photo card with sensor-like noise, a navigation bar), deterministic
 * from the seed.
 *
 * <p>Size matters more than looks: a real 1080x2400 screenshot is roughly 0.3-1.5 MB of PNG, and
 * that is what travels base64-encoded in every phone-agent step. Generation costs a few hundred
 * milliseconds, so use {@link ScreenshotPool}, which makes a few variants once per size.
 * Pixels are written straight into the raster (no text rendering), so it works headless and
 * without fonts.
 *
 * <pre>{@code
 * ScreenshotPng shot = ScreenshotPng.generate(1080, 2400, 42L);
 * byte[] png = shot.png();             // starts with the PNG signature
 * byte[] url = shot.dataUrl();         // "data:image/png;base64,..." as ASCII bytes
 * }</pre>
 *
 * @param png     the PNG file
 * @param dataUrl {@code data:image/png;base64,<png>} in US-ASCII, encoded once
 */
public record ScreenshotPng(int width, int height, long seed, byte[] png, byte[] dataUrl) {

  private static final int GLYPHS = 48;
  private static final int GLYPH_W = 5;
  private static final int GLYPH_H = 7;

  public ScreenshotPng {
    if (width < 16 || height < 16 || width > 8192 || height > 8192) {
      throw new IllegalArgumentException("screenshot size must be 16..8192 px a side, got " + width + "x" + height);
    }
  }

  /** Draws and encodes one screenshot. */
  public static ScreenshotPng generate(int width, int height, long seed) {
    if (width < 16 || height < 16 || width > 8192 || height > 8192) {
      throw new IllegalArgumentException("screenshot size must be 16..8192 px a side, got " + width + "x" + height);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    new Painter(width, height, pixels, new SplittableRandom(seed)).paint();
    ByteArrayOutputStream out = new ByteArrayOutputStream(width * height);
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer available in this JRE");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a " + width + "x" + height + " PNG failed", e);
    }
    byte[] png = out.toByteArray();
    byte[] prefix = "data:image/png;base64,".getBytes(StandardCharsets.US_ASCII);
    byte[] base64 = Base64.getEncoder().encode(png);
    byte[] dataUrl = new byte[prefix.length + base64.length];
    System.arraycopy(prefix, 0, dataUrl, 0, prefix.length);
    System.arraycopy(base64, 0, dataUrl, prefix.length, base64.length);
    return new ScreenshotPng(width, height, seed, png, dataUrl);
  }

  @Override
  public String toString() {
    return "ScreenshotPng[" + width + "x" + height + ", seed=" + seed + ", pngBytes=" + png.length + "]";
  }

  /** Draws into the raster; scales every element with the screen width (1080 px is the reference). */
  private static final class Painter {
    private final int w;
    private final int h;
    private final int[] px;
    private final SplittableRandom random;
    private final double scale;
    private final boolean[][] font;

    Painter(int w, int h, int[] px, SplittableRandom random) {
      this.w = w;
      this.h = h;
      this.px = px;
      this.random = random;
      this.scale = w / 1080.0;
      this.font = new boolean[GLYPHS][GLYPH_W * GLYPH_H];
      for (boolean[] glyph : font) {
        for (int i = 0; i < glyph.length; i++) {
          glyph[i] = random.nextInt(100) < 42;
        }
      }
    }

    void paint() {
      int accent = rgb(30 + random.nextInt(60), 100 + random.nextInt(120), 180 + random.nextInt(70));
      boolean dark = random.nextInt(5) == 0;
      int background = dark ? rgb(18, 18, 20) : rgb(248, 248, 250);
      int ink = dark ? rgb(225, 225, 230) : rgb(32, 33, 36);
      int subInk = dark ? rgb(150, 150, 158) : rgb(110, 112, 118);
      fill(0, 0, w, h, background);
      int y = statusBar(dark ? rgb(0, 0, 0) : rgb(240, 240, 244), ink);
      y = appBar(y, accent);
      int navTop = h - s(130);
      int photoAt = 1 + random.nextInt(3);
      int row = 0;
      while (y < navTop - s(60)) {
        if (row == photoAt && y + s(760) < navTop) {
          y = photoCard(y);
        } else {
          y = listRow(y, ink, subInk, background);
        }
        row++;
      }
      fill(0, navTop, w, h - navTop, dark ? rgb(10, 10, 12) : rgb(236, 236, 240));
      for (int i = 0; i < 3; i++) {
        int cx = w * (i * 2 + 1) / 6;
        fill(cx - s(28), navTop + s(45), s(56), s(40), subInk);
      }
    }

    private int statusBar(int color, int ink) {
      int barH = s(84);
      fill(0, 0, w, barH, color);
      text(s(40), s(26), 1, s(6), ink);
      for (int i = 0; i < 4; i++) {
        fill(w - s(60) - i * s(52), s(28), s(36), s(28), ink);
      }
      return barH;
    }

    private int appBar(int y, int accent) {
      int barH = s(170);
      fill(0, y, w, barH, accent);
      text(s(48), y + s(60), 8 + random.nextInt(8), s(8), rgb(255, 255, 255));
      fill(w - s(110), y + s(55), s(60), s(60), rgb(255, 255, 255));
      return y + barH;
    }

    private int listRow(int y, int ink, int subInk, int background) {
      int rowH = s(200);
      int avatar = s(120);
      int ay = y + (rowH - avatar) / 2;
      circle(s(40) + avatar / 2, ay + avatar / 2, avatar / 2,
          rgb(60 + random.nextInt(190), 60 + random.nextInt(190), 60 + random.nextInt(190)));
      int tx = s(40) + avatar + s(36);
      text(tx, y + s(48), 6 + random.nextInt(14), s(7), ink);
      text(tx, y + s(118), 12 + random.nextInt(22), s(5), subInk);
      text(w - s(150), y + s(48), 4, s(4), subInk);
      fill(tx, y + rowH - 2, w - tx, 2, mix(background, subInk));
      return y + rowH;
    }

    /** A photo: smooth gradients plus per-pixel sensor noise, the part of a screenshot that compresses worst. */
    private int photoCard(int y) {
      int top = y + s(30);
      int cardH = s(700);
      int left = s(40);
      int right = w - s(40);
      int r0 = random.nextInt(200);
      int g0 = random.nextInt(200);
      int b0 = random.nextInt(200);
      for (int yy = top; yy < Math.min(h, top + cardH); yy++) {
        int base = yy * w;
        double fy = (yy - top) / (double) cardH;
        for (int xx = left; xx < right; xx++) {
          double fx = (xx - left) / (double) (right - left);
          int noise = random.nextInt(9) - 4;
          int r = clamp(r0 + (int) (50 * fx) + (int) (30 * Math.sin(fy * 7 + fx * 3)) + noise);
          int g = clamp(g0 + (int) (40 * fy) + noise);
          int b = clamp(b0 + (int) (45 * (1 - fx * fy)) + noise);
          px[base + xx] = rgb(r, g, b);
        }
      }
      return top + cardH + s(30);
    }

    /** A line of {@code words} glyph-like words, each glyph a 5x7 bitmap scaled by {@code dot}. */
    private void text(int x, int y, int words, int dot, int color) {
      int cx = x;
      for (int i = 0; i < words && cx < w - dot * 6; i++) {
        int letters = 2 + random.nextInt(7);
        for (int l = 0; l < letters && cx < w - dot * 6; l++) {
          glyph(cx, y, font[random.nextInt(GLYPHS)], dot, color);
          cx += dot * (GLYPH_W + 1);
        }
        cx += dot * 3;
      }
    }

    private void glyph(int x, int y, boolean[] bits, int dot, int color) {
      for (int gy = 0; gy < GLYPH_H; gy++) {
        for (int gx = 0; gx < GLYPH_W; gx++) {
          if (bits[gy * GLYPH_W + gx]) {
            fill(x + gx * dot, y + gy * dot, dot, dot, color);
          }
        }
      }
    }

    private void circle(int cx, int cy, int r, int color) {
      for (int y = Math.max(0, cy - r); y < Math.min(h, cy + r); y++) {
        for (int x = Math.max(0, cx - r); x < Math.min(w, cx + r); x++) {
          int dx = x - cx;
          int dy = y - cy;
          if (dx * dx + dy * dy <= r * r) {
            px[y * w + x] = color;
          }
        }
      }
    }

    private void fill(int x, int y, int fw, int fh, int color) {
      int x0 = Math.max(0, x);
      int x1 = Math.min(w, x + Math.max(1, fw));
      int y1 = Math.min(h, y + Math.max(1, fh));
      for (int yy = Math.max(0, y); yy < y1; yy++) {
        int base = yy * w;
        for (int xx = x0; xx < x1; xx++) {
          px[base + xx] = color;
        }
      }
    }

    private int s(int reference) {
      return Math.max(1, (int) Math.round(reference * scale));
    }

    private static int mix(int a, int b) {
      return rgb(((a >> 16 & 0xFF) * 3 + (b >> 16 & 0xFF)) / 4, ((a >> 8 & 0xFF) * 3 + (b >> 8 & 0xFF)) / 4,
          ((a & 0xFF) * 3 + (b & 0xFF)) / 4);
    }

    private static int clamp(int v) {
      return Math.max(0, Math.min(255, v));
    }

    private static int rgb(int r, int g, int b) {
      return (r << 16) | (g << 8) | b;
    }
  }
}
