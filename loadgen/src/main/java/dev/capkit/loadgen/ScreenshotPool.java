package dev.capkit.loadgen;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A few pre-generated {@link ScreenshotPng} variants per screen size, shared by the whole JVM, so
 * a load test never spends CPU drawing or encoding images per request. Variant {@code i} of a size
 * is always the same image (seed {@code 1000 + i}); consecutive steps pick different variants so
 * a server-side prefix/image cache cannot turn every step into a cache hit.
 *
 * <pre>{@code
 * ScreenshotPool pool = ScreenshotPool.of(1080, 2400, 4);  // draws 4 images once (~1-2 s)
 * byte[] dataUrl = pool.variant(step).dataUrl();
 * }</pre>
 */
public final class ScreenshotPool {

  /** Variants kept per size unless asked otherwise. */
  public static final int DEFAULT_VARIANTS = 4;

  private static final Map<String, ScreenshotPool> SHARED = new ConcurrentHashMap<>();

  private final List<ScreenshotPng> variants;

  private ScreenshotPool(List<ScreenshotPng> variants) {
    this.variants = variants;
  }

  /** The shared pool for this size, generated on first use (in parallel, blocking the caller). */
  public static ScreenshotPool of(int width, int height, int variantCount) {
    if (variantCount < 1 || variantCount > 64) {
      throw new IllegalArgumentException("screenshot variants must be 1..64, got " + variantCount);
    }
    String key = width + "x" + height + "x" + variantCount;
    return SHARED.computeIfAbsent(key, k -> new ScreenshotPool(IntStream.range(0, variantCount).parallel()
        .mapToObj(i -> ScreenshotPng.generate(width, height, 1000L + i)).toList()));
  }

  /** {@link #DEFAULT_VARIANTS} variants of this size. */
  public static ScreenshotPool of(int width, int height) {
    return of(width, height, DEFAULT_VARIANTS);
  }

  /** Variant {@code index} modulo the pool size (any int, negative included). */
  public ScreenshotPng variant(int index) {
    return variants.get(Math.floorMod(index, variants.size()));
  }

  public int size() {
    return variants.size();
  }
}
