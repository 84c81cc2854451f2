package dev.capkit.planner;

import dev.capkit.planner.capacity.Knee;
import dev.capkit.planner.capacity.ReplicaPlan;
import dev.capkit.planner.capacity.SustainableRate;
import dev.capkit.planner.capacity.VramBudget;
import dev.capkit.planner.stats.UslFit;
import java.util.List;

/**
 * One row of the tier table: a tier in one dtype, measured or predicted, with everything the plan
 * derived for it.
 *
 * <pre>{@code
 * for (TierRecommendation r : plan.rows()) System.out.println(r.tierId() + " " + r.sustainable().rate());
 * }</pre>
 *
 * @param sustainable       per-replica sustainable rate, after calibration for predicted rows
 * @param calibrationFactor measured / predicted sustainable rate of the measured tier applied to this
 *                          predicted row (1 for measured rows, NaN when no measured tier could calibrate)
 * @param saturatedQps      highest achieved QPS on the ladder (after calibration), the Erlang C server rate
 * @param rank              1 = recommended; 0 = not ranked (infeasible, undefined or unpriced)
 * @param notRankedReason   why a row is not ranked, or null
 * @param agents            a closed-loop (agents) capacity search's plan per replica, or null for rates
 */
public record TierRecommendation(
    String tierId,
    String family,
    String gpu,
    int gpuCount,
    double vramGib,
    int vcpu,
    double memoryGib,
    String dtype,
    Basis basis,
    List<String> sources,
    int steps,
    double minRate,
    double maxRate,
    SustainableRate sustainable,
    double calibrationFactor,
    double saturatedQps,
    Knee knee,
    UslFit usl,
    VramBudget vram,
    ReplicaPlan replicas,
    int rank,
    String notRankedReason,
    dev.capkit.planner.search.AgentsPerReplica agents) {

  public TierRecommendation {
    sources = List.copyOf(sources);
  }

  /** A row planned in requests per second only (no agents search). */
  public TierRecommendation(String tierId, String family, String gpu, int gpuCount, double vramGib, int vcpu, double memoryGib,
      String dtype, Basis basis, List<String> sources, int steps, double minRate, double maxRate, SustainableRate sustainable,
      double calibrationFactor, double saturatedQps, Knee knee, UslFit usl, VramBudget vram, ReplicaPlan replicas, int rank,
      String notRankedReason) {
    this(tierId, family, gpu, gpuCount, vramGib, vcpu, memoryGib, dtype, basis, sources, steps, minRate, maxRate, sustainable,
        calibrationFactor, saturatedQps, knee, usl, vram, replicas, rank, notRankedReason, null);
  }

  public TierRecommendation ranked(int newRank, String reason) {
    return new TierRecommendation(tierId, family, gpu, gpuCount, vramGib, vcpu, memoryGib, dtype, basis, sources, steps, minRate,
        maxRate, sustainable, calibrationFactor, saturatedQps, knee, usl, vram, replicas, newRank, reason, agents);
  }

  public boolean feasible() {
    return vram.fits();
  }
}
