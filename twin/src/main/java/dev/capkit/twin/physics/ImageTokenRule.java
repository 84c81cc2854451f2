package dev.capkit.twin.physics;

import dev.capkit.twin.catalog.ModelArchitecture.ImageTokenSpec;

/**
 * GLM-4.1V's image-size rule (the Qwen2-VL-style {@code smart_resize} its processor uses): round each
 * side to a multiple of 28 px (patch 14 x merge 2, Python's round-half-even), shrink proportionally
 * (flooring) when above {@code max_pixels}, grow (ceiling) when below {@code min_pixels}; then one
 * token per 28 x 28 px, plus begin/end markers. The vision tower sees 4 patches of 14 px per token.
 *
 * <pre>{@code
 * rule.tokens(1080, 2400) // 1092 x 2408 px -> 39 x 86 = 3,354 image tokens (+2 markers), 13,416 patches
 * }</pre>
 */
public record ImageTokenRule(ImageTokenSpec spec) {

  /** Result for one image. */
  public record ImageTokens(int resizedWidth, int resizedHeight, int tokens, long patches) {}

  public ImageTokens tokens(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
    }
    if ((double) Math.max(width, height) / Math.min(width, height) > 200) {
      throw new IllegalArgumentException("absolute aspect ratio must be smaller than 200, got " + width + "x" + height);
    }
    int f = spec.factor();
    long h = Math.max(f, (long) Math.rint((double) height / f) * f);
    long w = Math.max(f, (long) Math.rint((double) width / f) * f);
    if (h * w > spec.maxPixels()) {
      double beta = Math.sqrt((double) height * width / spec.maxPixels());
      h = Math.max(f, (long) Math.floor(height / beta / f) * f);
      w = Math.max(f, (long) Math.floor(width / beta / f) * f);
    } else if (h * w < spec.minPixels()) {
      double beta = Math.sqrt((double) spec.minPixels() / ((double) height * width));
      h = (long) Math.ceil(height * beta / f) * f;
      w = (long) Math.ceil(width * beta / f) * f;
    }
    int tokens = (int) (h * w / spec.pixelsPerToken()) + spec.extraTokensPerImage();
    long patches = (h / spec.patchSize()) * (w / spec.patchSize());
    return new ImageTokens((int) w, (int) h, tokens, patches);
  }
}
