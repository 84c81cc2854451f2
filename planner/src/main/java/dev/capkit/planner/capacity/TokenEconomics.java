package dev.capkit.planner.capacity;

import dev.capkit.twin.power.GpuPowerModel;
import java.util.Locale;
import java.util.Optional;

/**
 * Energy and cost per output token of one planned tier row, next to its cost per 1,000 requests:
 * <ul>
 *   <li>utilization u = planned rate per replica / the replica's sustainable rate (a replica at its
 *       sustainable rate is taken as fully busy: an assumption, not a measurement);
 *   <li>watts per replica = GPUs x the power model at u ({@link GpuPowerModel}: idle + (max - idle) x u,
 *       constants with sources in {@code gpu-power.json});
 *   <li>J per output token = watts per replica / (planned rate per replica x output tokens per
 *       request), output tokens per request as measured (mean over the runs' successful requests);
 *   <li>cost per million output tokens = fleet cost per hour (replicas incl. N+1 x price) / (target
 *       rate x output tokens per request x 3600) x 10^6, the same basis as cost per 1,000 requests.
 * </ul>
 * Energy is always <em>predicted</em> (a power model, not a meter); undefined figures are NaN with
 * the reason.
 *
 * @param outputTokensPerRequest mean completion tokens per successful request, measured
 * @param utilization            u above
 * @param wattsPerReplica        predicted board power of one replica's GPUs
 * @param joulesPerOutputToken   predicted
 * @param costPerMillionOutputTokens in the price currency
 * @param basis                  one line: how the figures were derived, with the power model's sources
 * @param undefinedReason        null when defined
 */
public record TokenEconomics(String tierId, String dtype, double outputTokensPerRequest, double utilization, double wattsPerReplica,
    double joulesPerOutputToken, double costPerMillionOutputTokens, String basis, String undefinedReason) {

  public static TokenEconomics of(String tierId, String dtype, int gpus, ReplicaPlan replicas, double sustainablePerReplica,
      double outputTokensPerRequest, Optional<GpuPowerModel> power) {
    if (!replicas.defined() || !(outputTokensPerRequest > 0)) {
      String why = !replicas.defined() ? "no replica plan: " + replicas.undefinedReason()
          : "no measured output tokens per request (the server sent no usage)";
      return new TokenEconomics(tierId, dtype, outputTokensPerRequest, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null,
          "undefined, because " + why);
    }
    double tokensPerSecondFleet = replicas.targetQps() * outputTokensPerRequest;
    double costPerMillion = replicas.costPerHour() / (tokensPerSecondFleet * 3600) * 1e6;
    double u = Math.min(1, replicas.perReplicaRate() / sustainablePerReplica);
    if (power.isEmpty() || Double.isNaN(u)) {
      return new TokenEconomics(tierId, dtype, outputTokensPerRequest, u, Double.NaN, Double.NaN, costPerMillion,
          "cost: fleet cost per hour / (target x output tokens per request x 3600)",
          "energy undefined, because " + (power.isEmpty() ? "gpu-power.json has no power model for this GPU" : "no sustainable rate"));
    }
    GpuPowerModel p = power.get();
    double watts = gpus * p.watts(u);
    double joules = watts / (replicas.perReplicaRate() * outputTokensPerRequest);
    String basis = String.format(Locale.ROOT, "predicted: %d x %s power model at u = %.3g (planned %.3g / sustainable %.3g req/s per replica):"
            + " %.0f W idle (%s) .. %.0f W max (%s); %.4g output tokens per request measured", gpus, p.gpuId(), u,
        replicas.perReplicaRate(), sustainablePerReplica, p.idleWatts(), p.idleSource(), p.maxWatts(), p.maxSource(), outputTokensPerRequest);
    return new TokenEconomics(tierId, dtype, outputTokensPerRequest, u, watts, joules, costPerMillion, basis, null);
  }
}
