package dev.capkit.core.scenario;

import dev.capkit.core.results.RequestRecord;
import java.util.List;

/**
 * A scenario's service-level objectives: latency objectives plus the highest acceptable error rate.
 *
 * @param latency       latency objectives
 * @param maxErrorRate  highest acceptable share of failed requests (0.01 = 1%)
 * @param failBuild     whether a broken objective fails {@code mvn gatling:test}; off for capacity
 *                      sweeps, which are expected to cross their objectives
 */
public record SloSet(List<Slo> latency, double maxErrorRate, boolean failBuild) {
  public SloSet {
    latency = List.copyOf(latency);
  }

  /** Whether one request meets every latency objective (goodput counts these). */
  public boolean met(RequestRecord r) {
    if (!r.ok()) {
      return false;
    }
    for (Slo slo : latency) {
      long limit = slo.threshold().toNanos();
      long value = switch (slo.metric()) {
        case "e2e" -> r.e2eFromIntendedNanos();
        case "ttft" -> r.ttftFromIntendedNanos();
        case "tpot" -> r.tpotNanos();
        default -> maxOf(r.itlNanos());
      };
      if (value > limit) {
        return false;
      }
    }
    return true;
  }

  private static long maxOf(long[] values) {
    long max = -1;
    for (long v : values) {
      max = Math.max(max, v);
    }
    return max;
  }
}
