package dev.capkit.planner.capacity;

import java.util.Locale;

/**
 * Kneedle (Satopaa, Albrecht, Irwin, Raghavan 2011, "Finding a 'Kneedle' in a Haystack") for an
 * increasing, convex curve such as p99 latency against offered load, offline variant without
 * smoothing (a ladder has a handful of points; smoothing would move the knee between steps).
 *
 * <p>Steps: normalize x and y to [0, 1]; difference curve {@code d = x_n - y_n} (the distance below
 * the diagonal, largest where latency turns upward); at each local maximum of d the threshold is
 * {@code d_max - S / (n - 1)} (S times the mean normalized x spacing); the first local maximum
 * after which d falls below its threshold before the next local maximum is the knee.
 *
 * <pre>{@code
 * Knee k = new KneeFinder(1.0).find(new double[] {0.5, 1, 1.5, 2, 2.5}, new double[] {3.1, 3.3, 3.9, 6.5, 19}, "e2e.p99");
 * }</pre>
 *
 * @param sensitivity Kneedle's S (1 is the paper's recommendation for offline use)
 */
public record KneeFinder(double sensitivity) {
  public static final int MIN_POINTS = 4;

  public Knee find(double[] x, double[] y, String metric) {
    int n = x.length;
    if (n < MIN_POINTS) {
      return undefined(metric, "undefined, because Kneedle needs at least " + MIN_POINTS + " steps; the ladder has " + n);
    }
    double xMin = x[0];
    double xMax = x[n - 1];
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (double v : y) {
      if (Double.isNaN(v)) {
        return undefined(metric, "undefined, because a step has no " + metric + " measurement");
      }
      yMin = Math.min(yMin, v);
      yMax = Math.max(yMax, v);
    }
    if (xMax <= xMin || yMax <= yMin) {
      return undefined(metric, "undefined, because the curve is flat (no spread in rate or latency)");
    }
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = (x[i] - xMin) / (xMax - xMin) - (y[i] - yMin) / (yMax - yMin);
    }
    double step = sensitivity / (n - 1);
    for (int i = 1; i < n - 1; i++) {
      if (d[i] > d[i - 1] && d[i] >= d[i + 1]) {
        double threshold = d[i] - step;
        for (int j = i + 1; j < n; j++) {
          if (j < n - 1 && d[j] > d[j - 1] && d[j] >= d[j + 1]) {
            break; // the next local maximum arrived first: this one is not a knee
          }
          if (d[j] < threshold) {
            return new Knee(x[i], y[i], metric, sensitivity, null);
          }
        }
      }
    }
    return undefined(metric, String.format(Locale.ROOT,
        "undefined, because latency never bends away from the diagonal by more than S/(n-1) = %.3f (no knee on this ladder)", step));
  }

  private Knee undefined(String metric, String reason) {
    return new Knee(Double.NaN, Double.NaN, metric, sensitivity, reason);
  }
}
