package dev.capkit.emulator;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;

/** Real PNG screenshots as data URLs, like Open-AutoGLM's client sends (cached per size). */
final class Screenshots {
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private Screenshots() {}

  static String dataUrl(int width, int height) {
    return dataUrl(width, height, 0);
  }

  /** A screenshot whose content (the box's position) depends on {@code variant}: distinct bytes, same size. */
  static String dataUrl(int width, int height, int variant) {
    return CACHE.computeIfAbsent(width + "x" + height + "#" + variant, k -> encode(width, height, variant));
  }

  private static String encode(int width, int height, int variant) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillRect(width / 10, height / 20 + variant % 500, width / 2, height / 30); // a "search box"
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
