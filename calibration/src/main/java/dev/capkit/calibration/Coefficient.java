package dev.capkit.calibration;

import dev.capkit.twin.physics.TwinCoefficients;

/**
 * A coefficient the fit moves, with its JSON name ({@code capkit.calibration/1}), how it sits in
 * {@link TwinCoefficients}, and the transform that keeps the optimizer's unbounded variable inside
 * the coefficient's range: logarithm for times (> 0), logit for fractions (0, 1).
 */
public enum Coefficient {
  STEP_OVERHEAD("step_overhead_ms"),
  BATCHED_STEP("batched_step_ms"),
  MFU("mfu"),
  DECODE_MFU("decode_mfu"),
  MBU("mbu"),
  HOST_REQUEST("host_request_ms"),
  IMAGE_PREPROCESS("image_preprocess_ms_per_megapixel");

  private final String json;

  Coefficient(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  boolean fraction() {
    return this == MFU || this == DECODE_MFU || this == MBU;
  }

  /** The value in its JSON unit (ms, ms per megapixel, or fraction). */
  public double get(TwinCoefficients c) {
    return switch (this) {
      case STEP_OVERHEAD -> c.stepOverheadSeconds() * 1e3;
      case BATCHED_STEP -> c.batchedStepSeconds() * 1e3;
      case MFU -> c.prefillMfu();
      case DECODE_MFU -> c.decodeMfu();
      case MBU -> c.decodeMbu();
      case HOST_REQUEST -> c.hostRequestSeconds() * 1e3;
      case IMAGE_PREPROCESS -> c.imagePreprocessSecondsPerMegapixel() * 1e3;
    };
  }

  /**
   * {@code c} with this coefficient set to {@code v} (JSON unit). Setting {@code mfu} moves a decode
   * fraction that is one with it ({@link TwinCoefficients#withMfu}); {@code decode_mfu} sets it apart.
   * The fit applies coefficients in this enum's order, so with both free {@code decode_mfu} wins.
   */
  public TwinCoefficients with(TwinCoefficients c, double v) {
    if (this == MFU) {
      return c.withMfu(v);
    }
    if (this == DECODE_MFU) {
      return c.withDecodeMfu(v);
    }
    if (this == BATCHED_STEP) {
      return c.withBatchedStepSeconds(v / 1e3);
    }
    return new TwinCoefficients(c.source(),
        this == STEP_OVERHEAD ? v / 1e3 : c.stepOverheadSeconds(),
        c.prefillMfu(),
        c.decodeMfu(),
        this == MBU ? v : c.decodeMbu(),
        this == HOST_REQUEST ? v / 1e3 : c.hostRequestSeconds(),
        this == IMAGE_PREPROCESS ? v / 1e3 : c.imagePreprocessSecondsPerMegapixel(),
        c.detokenizeSecondsPerToken(),
        c.batchedStepSeconds());
  }

  /** Optimizer variable -> value (JSON unit). Times are floored at 1 us so that "none" stays reachable. */
  double fromVariable(double x) {
    double bounded = Math.max(-30, Math.min(30, x));
    return fraction() ? 1 / (1 + Math.exp(-bounded)) : Math.exp(bounded);
  }

  /** Value (JSON unit) -> optimizer variable. */
  double toVariable(double v) {
    if (fraction()) {
      double f = Math.max(1e-6, Math.min(1 - 1e-6, v));
      return Math.log(f / (1 - f));
    }
    return Math.log(Math.max(1e-3, v));
  }
}
