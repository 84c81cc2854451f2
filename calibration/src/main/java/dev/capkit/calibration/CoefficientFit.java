package dev.capkit.calibration;

import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.physics.TwinCoefficients;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.CMAESOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Fits the twin's coefficients to measured figures: CMA-ES then a Nelder-Mead polish (commons-math3) over the
 * coefficients' transformed values ({@link Coefficient}), minimising the weighted mean of squared
 * log errors {@code sum w (ln(predicted / measured))^2 / sum w} where each evaluation replays every
 * run through the twin ({@link Replay}). A figure the twin cannot produce (nothing completed) costs
 * as much as a 100x miss. CMA-ES (seeded, population 4 + 3 ln n) copes with the objective's small
 * jumps (which requests share a batch changes discretely with the coefficients), where Nelder-Mead
 * alone stalls; Nelder-Mead then polishes the best point seen. Afterwards each fitted coefficient's sensitivity is measured: the largest relative
 * change of any predicted figure when it moves 25%; runs where step overhead and bandwidth fraction
 * cannot be told apart (batch 1 only, memory-bound) show it as a coefficient that is not identified.
 *
 * <pre>{@code
 * FitResult r = new CoefficientFit(plan, replay, Replay.measured(runs)).fit(List.of(Coefficient.values()), 400);
 * }</pre>
 */
public final class CoefficientFit {
  static final double STEP = 2.0;
  private static final double MISSING_PENALTY = Math.pow(Math.log(100), 2);
  private final ServingPlan plan;
  private final Replay replay;
  private final List<Figure> figures;
  private final double totalWeight;
  private int evaluations;

  public CoefficientFit(ServingPlan plan, Replay replay, List<Figure> figures) {
    if (figures.isEmpty()) {
      throw new CalibrationException("no measured figure to fit (no step with a successful request and a latency figure)");
    }
    this.plan = plan;
    this.replay = replay;
    this.figures = List.copyOf(figures);
    this.totalWeight = figures.stream().mapToDouble(Figure::weight).sum();
  }

  /** The objective at these coefficients (weighted mean squared log error). */
  public double cost(TwinCoefficients c) {
    evaluations++;
    Map<String, Double> predicted = replay.figures(plan.withCoefficients(c));
    double sum = 0;
    for (Figure f : figures) {
      Double p = predicted.get(f.key());
      double term = p == null || !(p > 0) ? MISSING_PENALTY : Math.pow(Math.log(p / f.measuredMs()), 2);
      sum += f.weight() * term;
    }
    return sum / totalWeight;
  }

  /**
   * @param free       the coefficients to fit; the others keep the plan's values
   * @param maxReplays evaluation budget of CMA-ES (the polish gets a third of it more)
   */
  public FitResult fit(List<Coefficient> free, int maxReplays) {
    return fit(free, maxReplays, plan.coefficients());
  }

  /**
   * Fits, then while a fitted coefficient is not identified ({@link FitResult#IDENTIFIED}), fixes the
   * least separable one at its start value and fits the others again (from where they were), so the
   * profile only holds values the runs determine and the rest stay the catalog's.
   */
  public FitResult fitIdentified(List<Coefficient> free, int maxReplays) {
    List<Coefficient> remaining = new ArrayList<>(free);
    List<String> fixed = new ArrayList<>();
    TwinCoefficients from = plan.coefficients();
    while (true) {
      FitResult r = fit(remaining, maxReplays, from);
      Coefficient worst = null;
      for (Coefficient c : remaining) {
        if (!r.identified(c) && (worst == null || r.sensitivity().get(c) < r.sensitivity().get(worst))) {
          worst = c;
        }
      }
      if (worst == null || remaining.size() == 1) {
        List<String> notes = new ArrayList<>(fixed);
        if (worst != null) {
          notes.add(String.format(java.util.Locale.ROOT, "%s: separability %.4f < %.3f: not identified by these runs; kept at"
              + " the start value %.4g", worst.json(), r.sensitivity().get(worst), FitResult.IDENTIFIED, worst.get(plan.coefficients())));
        }
        return new FitResult(r.coefficients(), r.fitted(), r.sensitivity(), r.rows(), evaluations, notes);
      }
      boolean tie = worst == Coefficient.DECODE_MFU && plan.coefficients().oneComputeFraction();
      fixed.add(String.format(java.util.Locale.ROOT, "%s: separability %.4f < %.3f (the other coefficients can make up for a"
          + " change of it): not identified by these runs; %s and the rest fitted again", worst.json(),
          r.sensitivity().get(worst), FitResult.IDENTIFIED, tie ? "one compute fraction with mfu (as the start)"
              : String.format(java.util.Locale.ROOT, "kept at the start value %.4g", worst.get(plan.coefficients()))));
      remaining.remove(worst);
      from = tie ? r.coefficients().withDecodeMfu(r.coefficients().prefillMfu())
          : worst.with(r.coefficients(), worst.get(plan.coefficients()));
    }
  }

  private FitResult fit(List<Coefficient> free, int maxReplays, TwinCoefficients start) {
    double[] x = new double[free.size()];
    for (int i = 0; i < x.length; i++) {
      double v = free.get(i).get(start);
      // the batched-path cost starts at 1 ms when the start has none (0: one path), not at the 1 us floor
      x[i] = free.get(i).toVariable(free.get(i) == Coefficient.BATCHED_STEP && v == 0 ? 1 : v);
    }
    double[][] bestSeen = {x.clone()};
    double[] bestCost = {Double.POSITIVE_INFINITY};
    ObjectiveFunction objective = new ObjectiveFunction(v -> {
      double c = cost(apply(start, free, v));
      if (c < bestCost[0]) {
        bestCost[0] = c;
        bestSeen[0] = v.clone();
      }
      return c;
    });
    double[] lower = new double[free.size()];
    double[] upper = new double[free.size()];
    double[] sigma = new double[free.size()];
    java.util.Arrays.fill(lower, -12);
    java.util.Arrays.fill(upper, 12);
    java.util.Arrays.fill(sigma, 0.6);
    try {
      new CMAESOptimizer(maxReplays, 0, true, 0, 0, new MersenneTwister(42), false, null).optimize(new MaxEval(maxReplays),
          objective, GoalType.MINIMIZE, new InitialGuess(x.clone()), new SimpleBounds(lower, upper),
          new CMAESOptimizer.Sigma(sigma), new CMAESOptimizer.PopulationSize(4 + (int) (3 * Math.log(free.size()))));
    } catch (org.apache.commons.math3.exception.TooManyEvaluationsException e) {
      // budget spent: the best point seen is kept
    }
    // polish: Nelder-Mead from the best point with a small simplex
    try {
      new SimplexOptimizer(1e-9, 1e-12).optimize(new MaxEval(Math.max(20, maxReplays / 3)), objective, GoalType.MINIMIZE,
          new InitialGuess(bestSeen[0].clone()), new NelderMeadSimplex(steps(free.size(), 0.05)));
    } catch (org.apache.commons.math3.exception.TooManyEvaluationsException e) {
      // as above
    }
    double[] best = bestSeen[0];
    TwinCoefficients fitted = apply(start, free, best);
    Map<String, Double> predicted = replay.figures(plan.withCoefficients(fitted));
    List<FitRow> rows = new ArrayList<>();
    for (Figure f : figures) {
      rows.add(new FitRow(f, predicted.getOrDefault(f.key(), Double.NaN)));
    }
    return new FitResult(fitted, List.copyOf(free), separability(fitted, free, predicted), rows, evaluations, List.of());
  }

  /**
   * How well the runs pin each coefficient down on its own: the local log-log Jacobian of the predicted
   * figures ({@code d ln figure / d ln coefficient}, weighted) is computed by a step of x{@value #STEP} of each
   * (large enough that the figures' small jumps, batches forming differently, do not pass for slope); the
   * part of a coefficient's column that the other coefficients' columns cannot reproduce (least-squares
   * residual) is its separability, as an RMS over figures. Near 0: changing it can be compensated by
   * the others (e.g. step overhead and bandwidth fraction at batch 1), so the runs do not identify it.
   */
  Map<Coefficient, Double> separability(TwinCoefficients fitted, List<Coefficient> free, Map<String, Double> base) {
    int n = free.size();
    double[][] columns = new double[n][figures.size()];
    for (int j = 0; j < n; j++) {
      Coefficient c = free.get(j);
      double v = c.get(fitted);
      double factor = c.fraction() && v * STEP > 1 ? 1 / STEP : STEP;
      Map<String, Double> p = replay.figures(plan.withCoefficients(c.with(fitted, Math.max(v, 1e-6) * factor)));
      for (int i = 0; i < figures.size(); i++) {
        Figure f = figures.get(i);
        Double a = base.get(f.key());
        Double b = p.get(f.key());
        double d = a != null && b != null && a > 0 && b > 0 ? Math.log(b / a) / Math.log(factor) : 0;
        columns[j][i] = d * Math.sqrt(f.weight() / totalWeight);
      }
    }
    Map<Coefficient, Double> out = new EnumMap<>(Coefficient.class);
    for (int j = 0; j < n; j++) {
      out.put(free.get(j), residualNorm(columns, j));
    }
    return out;
  }

  /** Norm of column j minus its least-squares projection on the other columns. */
  private static double residualNorm(double[][] columns, int j) {
    int m = columns[j].length;
    int others = columns.length - 1;
    if (others == 0) {
      return norm(columns[j]);
    }
    double[][] a = new double[m][others];
    for (int i = 0; i < m; i++) {
      int k = 0;
      for (int c = 0; c < columns.length; c++) {
        if (c != j) {
          a[i][k++] = columns[c][i];
        }
      }
    }
    org.apache.commons.math3.linear.RealMatrix matrix = new org.apache.commons.math3.linear.Array2DRowRealMatrix(a, false);
    org.apache.commons.math3.linear.RealVector y = new org.apache.commons.math3.linear.ArrayRealVector(columns[j]);
    org.apache.commons.math3.linear.RealVector fitted;
    try {
      var solver = new org.apache.commons.math3.linear.SingularValueDecomposition(matrix).getSolver();
      fitted = matrix.operate(solver.solve(y));
    } catch (RuntimeException e) {
      return norm(columns[j]);
    }
    return y.subtract(fitted).getNorm();
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static double[] steps(int n, double size) {
    double[] s = new double[n];
    java.util.Arrays.fill(s, size);
    return s;
  }

  private static TwinCoefficients apply(TwinCoefficients start, List<Coefficient> free, double[] x) {
    TwinCoefficients c = start;
    for (int i = 0; i < x.length; i++) {
      c = free.get(i).with(c, free.get(i).fromVariable(x[i]));
    }
    return c;
  }
}
