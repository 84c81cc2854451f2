package dev.capkit.planner;

import dev.capkit.planner.sizing.PodResources;
import java.util.List;
import java.util.Optional;

/**
 * A capacity plan: the inputs it was computed from, one {@link TierRecommendation} per tier (and
 * dtype), the recommendation and its container resources, and every warning the reader must see.
 * Written as plan.json (format {@value #FORMAT_VERSION}), plan.md and Kubernetes YAML by the writers in
 * {@code dev.capkit.planner.output}.
 *
 * <pre>{@code
 * PlanResult plan = Planner.planRuns(List.of(runFolder), PlanOptions.defaults(20));
 * plan.recommended().ifPresent(r -> System.out.println(r.tierId() + " x" + r.replicas().replicas()));
 * }</pre>
 *
 * @param basis          what the whole plan rests on (measured, emulated, mixed, predicted), said in its first line
 * @param sloSource      {@code --slo} or the scenario whose objectives were used
 * @param recommendation one sentence: what to deploy, or why nothing can be recommended
 * @param pod            resources of the recommended tier's serving container, null when nothing is recommended
 */
public record PlanResult(
    String generatedAt,
    PlanBasis basis,
    String scenario,
    List<String> runs,
    double targetQps,
    List<SloTarget> slos,
    String sloSource,
    double headroom,
    String catalog,
    PriceSource prices,
    Calibration calibration,
    List<TierRecommendation> rows,
    String recommendation,
    PodResources pod,
    List<String> warnings,
    List<dev.capkit.planner.capacity.TokenEconomics> tokenEconomics) {

  public static final int FORMAT_VERSION = 3;

  public PlanResult {
    runs = List.copyOf(runs);
    slos = List.copyOf(slos);
    rows = List.copyOf(rows);
    warnings = List.copyOf(warnings);
  }

  public Optional<TierRecommendation> recommended() {
    return rows.stream().filter(r -> r.rank() == 1).findFirst();
  }
}
