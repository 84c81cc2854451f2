package dev.capkit.planner;

import java.util.Comparator;
import java.util.List;

/**
 * The load ladder of one tier in one dtype: its points sorted by rate, where they come from, and
 * the runs they were read from.
 *
 * <pre>{@code
 * TierLadder a100 = new TierLadder("gn7e-c16g1.4xlarge", "bf16", Basis.MEASURED, "open", List.of("sweep-1"), points);
 * }</pre>
 *
 * @param loadModel {@code open} (rate = offered QPS) or {@code closed} (rate = achieved QPS)
 * @param runs      run ids (measured) or a description of the virtual run (predicted)
 * @param search    the capacity search whose probes are these points ({@code search.json} of the run), or null
 *                  for a ladder: its answer, not an interpolation between probes, is the sustainable rate
 */
public record TierLadder(String tierId, String dtype, Basis basis, String loadModel, List<String> runs, List<LadderPoint> points,
    dev.capkit.core.search.SearchLog search) {
  public TierLadder {
    runs = List.copyOf(runs);
    points = points.stream().sorted(Comparator.comparingDouble(LadderPoint::rate)).toList();
  }

  /** A ladder of fixed steps (no capacity search). */
  public TierLadder(String tierId, String dtype, Basis basis, String loadModel, List<String> runs, List<LadderPoint> points) {
    this(tierId, dtype, basis, loadModel, runs, points, null);
  }
}
