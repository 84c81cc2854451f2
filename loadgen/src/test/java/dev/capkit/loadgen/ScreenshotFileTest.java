package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.ScenarioException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScreenshotFileTest {
  @TempDir
  Path dir;

  static Path write(Path dir, String name, String format, int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 7 + y * 13) & 0xFFFFFF);
      }
    }
    Path file = dir.resolve(name);
    assertTrue(ImageIO.write(image, format, file.toFile()), "writer for " + format);
    return file;
  }

  @Test
  void readsDimensionsAndTypeFromTheHeader() throws IOException {
    Path png = write(dir, "a.png", "png", 123, 457);
    Path jpeg = write(dir, "b.JPG", "jpeg", 301, 77);
    ScreenshotFile p = ScreenshotFile.read(png, "screenshots");
    ScreenshotFile j = ScreenshotFile.read(jpeg, "screenshots");
    assertEquals("image/png", p.mime());
    assertEquals(123, p.width());
    assertEquals(457, p.height());
    assertEquals("image/jpeg", j.mime());
    assertEquals(301, j.width());
    assertEquals(77, j.height());
    String url = new String(j.dataUrl(), StandardCharsets.US_ASCII);
    assertTrue(url.startsWith("data:image/jpeg;base64,"));
    assertArrayEquals(Files.readAllBytes(jpeg), Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)),
        "sent as-is");
  }

  @Test
  void folderPoolCyclesThroughFilesInNameOrder() throws IOException {
    write(dir, "2.jpeg", "jpeg", 40, 80);
    write(dir, "1.png", "png", 50, 90);
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    ScreenshotPool pool = ScreenshotPool.ofFolder(dir, "screenshots");
    assertEquals(2, pool.size());
    assertTrue(new String(pool.dataUrl(0), StandardCharsets.US_ASCII).startsWith("data:image/png;"));
    assertTrue(new String(pool.dataUrl(3), StandardCharsets.US_ASCII).startsWith("data:image/jpeg;"));
  }

  @Test
  void errorsNameFileAndField() throws IOException {
    Path fake = dir.resolve("fake.png");
    Files.writeString(fake, "hello");
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScreenshotFile.read(fake, "screenshots"));
    assertEquals(fake + ": field 'screenshots': not a PNG or JPEG file (no PNG or JPEG signature)", e.getMessage());
    Path empty = Files.createDirectory(dir.resolve("empty"));
    e = assertThrows(ScenarioException.class, () -> ScreenshotPool.ofFolder(empty, "screenshots"));
    assertTrue(e.getMessage().contains("no .png, .jpg or .jpeg files"), e.getMessage());
    e = assertThrows(ScenarioException.class, () -> ScreenshotPool.ofFolder(dir.resolve("missing"), "screenshots"));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }
}
