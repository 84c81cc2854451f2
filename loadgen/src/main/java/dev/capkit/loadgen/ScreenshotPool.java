package dev.capkit.loadgen;

import dev.capkit.core.scenario.ScenarioException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A few pre-generated {@link ScreenshotPng} variants per screen size, shared by the whole JVM, so
 * a load test never spends CPU drawing or encoding images per request. Variant {@code i} of a size
 * is always the same image (seed {@code 1000 + i}); consecutive steps pick different variants, and
 * {@link #dataUrl(int, long)} stamps each request's pixels, so a server-side prefix/image cache
 * cannot turn a step into a cache hit with another session's screen.
 *
 * <pre>{@code
 * ScreenshotPool pool = ScreenshotPool.of(1080, 2400, 4);  // draws 4 images once (~1-2 s)
 * byte[] dataUrl = pool.dataUrl(step);
 * byte[][] ownPixels = pool.dataUrl(step, stamp);          // the same screen, pixels stamped (two segments)
 * ScreenshotPool real = ScreenshotPool.ofFolder(Path.of("shots"), "screenshots"); // your PNG/JPEG files, as-is
 * }</pre>
 */
public final class ScreenshotPool {

  /** Variants kept per size unless asked otherwise. */
  public static final int DEFAULT_VARIANTS = 4;

  private static final Map<String, ScreenshotPool> SHARED = new ConcurrentHashMap<>();

  private final List<ScreenshotPng> variants;
  private final List<StampedScreenshot> stamped;
  private final List<byte[]> dataUrls;

  private ScreenshotPool(List<ScreenshotPng> variants, List<StampedScreenshot> stamped) {
    this.variants = variants;
    this.stamped = stamped;
    this.dataUrls = variants.stream().map(ScreenshotPng::dataUrl).toList();
  }

  private ScreenshotPool(List<ScreenshotFile> files, boolean real) {
    this.variants = List.of();
    this.stamped = List.of();
    this.dataUrls = files.stream().map(ScreenshotFile::dataUrl).toList();
  }

  /**
   * A pool of the real screenshots in {@code folder}: every {@code .png}, {@code .jpg} and
   * {@code .jpeg} file directly in it, in file-name order, sent as-is ({@link ScreenshotFile}).
   * Errors name the folder or file and {@code field}.
   */
  public static ScreenshotPool ofFolder(Path folder, String field) {
    if (!Files.isDirectory(folder)) {
      throw new ScenarioException(folder.toString(), field, "screenshot folder does not exist or is not a directory");
    }
    List<ScreenshotFile> files;
    try (var list = Files.list(folder)) {
      files = list.filter(p -> Files.isRegularFile(p) && ScreenshotFile.looksLikeImage(p)).sorted()
          .map(p -> ScreenshotFile.read(p, field)).toList();
    } catch (IOException e) {
      throw new ScenarioException(folder.toString(), field, "cannot list the screenshot folder: " + e);
    }
    if (files.isEmpty()) {
      throw new ScenarioException(folder.toString(), field, "no .png, .jpg or .jpeg files in the screenshot folder");
    }
    return new ScreenshotPool(files, true);
  }

  /** The shared pool for this size, generated on first use (in parallel, blocking the caller). */
  public static ScreenshotPool of(int width, int height, int variantCount) {
    if (variantCount < 1 || variantCount > 64) {
      throw new IllegalArgumentException("screenshot variants must be 1..64, got " + variantCount);
    }
    String key = width + "x" + height + "x" + variantCount;
    return SHARED.computeIfAbsent(key, k -> {
      List<ScreenshotPng> shots = IntStream.range(0, variantCount).parallel()
          .mapToObj(i -> ScreenshotPng.generate(width, height, 1000L + i)).toList();
      return new ScreenshotPool(shots, shots.parallelStream().map(StampedScreenshot::of).toList());
    });
  }

  /** {@link #DEFAULT_VARIANTS} variants of this size. */
  public static ScreenshotPool of(int width, int height) {
    return of(width, height, DEFAULT_VARIANTS);
  }

  /** The data URL of screenshot {@code index} modulo the pool size (any int, negative included). */
  public byte[] dataUrl(int index) {
    return dataUrls.get(Math.floorMod(index, dataUrls.size()));
  }

  /**
   * The data URL of screenshot {@code index} as segments to send in order. A generated variant's
   * pixels carry {@code stamp} ({@link StampedScreenshot}: different stamps, different pixels, so a
   * server's image-keyed caches see a new screen as a real phone's would be); a real screenshot from
   * a folder is sent as it is, whatever the stamp.
   */
  public byte[][] dataUrl(int index, long stamp) {
    if (stamped.isEmpty()) {
      return new byte[][] {dataUrl(index)};
    }
    StampedScreenshot shot = stamped.get(Math.floorMod(index, stamped.size()));
    return new byte[][] {shot.head(), shot.tail(stamp)};
  }

  /** Generated variant {@code index} modulo the pool size (any int, negative included); not for a folder pool. */
  public ScreenshotPng variant(int index) {
    if (variants.isEmpty()) {
      throw new IllegalStateException("a pool of real screenshots has no generated variants; use dataUrl(index)");
    }
    return variants.get(Math.floorMod(index, variants.size()));
  }

  public int size() {
    return dataUrls.size();
  }
}
