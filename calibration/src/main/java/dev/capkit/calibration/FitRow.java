package dev.capkit.calibration;

/** One figure after the fit: measured, what the fitted twin gives on the same load, and the relative error. */
public record FitRow(Figure figure, double fittedMs) {
  /** {@code fitted / measured - 1}; NaN when the twin produced no such figure. */
  public double error() {
    return fittedMs > 0 && Double.isFinite(fittedMs) ? fittedMs / figure.measuredMs() - 1 : Double.NaN;
  }
}
