package dev.capkit.llamacpp.model;

/** Norms of row-major matrices held as flat float arrays (rows of {@code cols} values). */
final class Matrices {
  private Matrices() {
  }

  static double frobenius(float[] m) {
    double sum = 0;
    for (float v : m) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }

  /** L2 norm of row {@code row} from column {@code from} on. */
  static double rowNorm(float[] m, int row, int cols, int from) {
    double sum = 0;
    for (int j = from; j < cols; j++) {
      double v = m[row * cols + j];
      sum += v * v;
    }
    return Math.sqrt(sum);
  }

  static double maxRowNorm(float[] m, int cols) {
    double max = 0;
    for (int r = 0; r < m.length / cols; r++) {
      max = Math.max(max, rowNorm(m, r, cols, 0));
    }
    return max;
  }
}
