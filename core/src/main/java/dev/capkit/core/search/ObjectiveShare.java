package dev.capkit.core.search;

/**
 * One objective as the search judges it: the share of requests that may violate it. A latency
 * objective {@code ttft.p99 < 5s} allows 1% of requests slower than 5 s (the percentile stays under
 * the limit exactly when that share does); the error objective {@code errors < 1%} allows 1% failed
 * requests.
 *
 * @param key     the objective's key as in run.json verdicts, e.g. {@code ttft.p99} or {@code errors}
 * @param allowed highest share of violating requests for which the objective holds, in (0, 1)
 */
public record ObjectiveShare(String key, double allowed) {
  public ObjectiveShare {
    if (!(allowed > 0 && allowed < 1)) {
      throw new IllegalArgumentException("objective " + key + ": allowed violating share must be in (0, 1), got " + allowed);
    }
  }

  /** A latency objective at {@code percentile} (e.g. 99.0). */
  public static ObjectiveShare percentile(String key, double percentile) {
    return new ObjectiveShare(key, 1 - percentile / 100);
  }
}
