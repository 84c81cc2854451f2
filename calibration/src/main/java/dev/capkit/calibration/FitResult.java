package dev.capkit.calibration;

import dev.capkit.twin.physics.TwinCoefficients;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a fit.
 *
 * @param coefficients the fitted coefficients (unfitted ones keep the start values)
 * @param fitted       the coefficients the fit moved
 * @param sensitivity  per fitted coefficient its separability ({@code CoefficientFit#separability}): the RMS
 *                     change of log figures per log change of it that no other fitted coefficient can
 *                     make up for; below {@link #IDENTIFIED} the runs do not pin it down
 * @param rows         every measured figure with the fitted twin's value
 * @param evaluations  replays run by the optimizer
 */
public record FitResult(TwinCoefficients coefficients, List<Coefficient> fitted, Map<Coefficient, Double> sensitivity,
    List<FitRow> rows, int evaluations, List<String> notes) {

  /** Separability below which a coefficient counts as not identified by the runs. */
  public static final double IDENTIFIED = 0.02;

  public boolean identified(Coefficient c) {
    return sensitivity.getOrDefault(c, 0.0) >= IDENTIFIED;
  }

  /** Median over figures of |fitted / measured - 1| (a figure the twin did not produce counts as 100%). */
  public double medianAbsError() {
    double[] e = absErrors();
    return e.length == 0 ? Double.NaN : e.length % 2 == 1 ? e[e.length / 2] : (e[e.length / 2 - 1] + e[e.length / 2]) / 2;
  }

  public double maxAbsError() {
    double[] e = absErrors();
    return e.length == 0 ? Double.NaN : e[e.length - 1];
  }

  private double[] absErrors() {
    return rows.stream().mapToDouble(r -> Double.isNaN(r.error()) ? 1.0 : Math.abs(r.error())).sorted().toArray();
  }

  /** Median |error| per figure name (ttft.p50, tpot.p50, ...), in first-seen order. */
  public Map<String, Double> medianAbsErrorByFigure() {
    Map<String, List<Double>> by = new java.util.LinkedHashMap<>();
    for (FitRow r : rows) {
      by.computeIfAbsent(r.figure().name(), k -> new java.util.ArrayList<>())
          .add(Double.isNaN(r.error()) ? 1.0 : Math.abs(r.error()));
    }
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    by.forEach((k, v) -> {
      double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      out.put(k, a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2);
    });
    return out;
  }

  @Override
  public String toString() {
    return "FitResult[" + coefficients.describe() + ", median " + medianAbsError() + ", fitted " + Arrays.toString(fitted.toArray()) + "]";
  }
}
