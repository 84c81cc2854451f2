package dev.capkit.twin.catalog;

import dev.capkit.twin.physics.TwinCoefficients;

/** Reads {@link TwinCoefficients} from catalog JSON (serving.json defaults or a GPU's override object). */
final class CoefficientsReader {
  private CoefficientsReader() {}

  /**
   * @param timing  object holding {@code step_overhead_ms}, {@code mfu}, {@code mbu} and optionally
   *                {@code decode_mfu} (left out: one compute fraction with {@code mfu}, unless the base
   *                had a separate one)
   * @param host    object holding {@code host_request_ms}, {@code image_preprocess_ms_per_megapixel},
   *                {@code detokenize_us_per_token}
   * @param base    values for fields the objects leave out; null = all fields required
   */
  static TwinCoefficients read(CatalogNode timing, CatalogNode host, TwinCoefficients base, String source) {
    double mfu = get(timing, "mfu", base == null ? Double.NaN : base.prefillMfu(), 1);
    double mbu = get(timing, "mbu", base == null ? Double.NaN : base.decodeMbu(), 1);
    double decodeMfu = timing.node().has("decode_mfu") ? timing.nonNegative("decode_mfu")
        : base == null || base.oneComputeFraction() ? mfu : base.decodeMfu();
    for (String f : new String[] {"mfu", "mbu", "decode_mfu"}) {
      double v = f.equals("mfu") ? mfu : f.equals("mbu") ? mbu : decodeMfu;
      if (!(v > 0 && v <= 1)) {
        throw timing.error(f, "expected a fraction in (0, 1]", timing.node().get(f));
      }
    }
    return new TwinCoefficients(source,
        get(timing, "step_overhead_ms", base == null ? Double.NaN : base.stepOverheadSeconds(), 1e-3),
        mfu, decodeMfu, mbu,
        get(host, "host_request_ms", base == null ? Double.NaN : base.hostRequestSeconds(), 1e-3),
        get(host, "image_preprocess_ms_per_megapixel", base == null ? Double.NaN : base.imagePreprocessSecondsPerMegapixel(), 1e-3),
        get(host, "detokenize_us_per_token", base == null ? Double.NaN : base.detokenizeSecondsPerToken(), 1e-6),
        base == null ? 0 : base.batchedStepSeconds()); // only a calibration profile sets the batched-path cost
  }

  private static double get(CatalogNode node, String field, double fallback, double scale) {
    if (!Double.isNaN(fallback) && !node.node().has(field)) {
      return fallback;
    }
    return node.nonNegative(field) * scale;
  }
}
