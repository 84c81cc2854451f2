package dev.capkit.planner.output;

import java.util.List;

/**
 * One of vLLM's latency histograms (v1 engine, {@code vllm/v1/metrics/loggers.py} as of v0.11-v0.12)
 * with its bucket upper bounds in seconds. An alert can only judge "more than x% of requests above
 * L" exactly where L is one of these bounds; between two bounds it knows just the counts below and
 * above the bucket.
 *
 * <p>TPOT is {@code vllm:request_time_per_output_token_seconds} (one value per request, decode time /
 * (output tokens - 1), as capkit measures it): vLLM 0.11 renamed the old
 * {@code vllm:time_per_output_token_seconds} to {@code vllm:inter_token_latency_seconds} and hid the
 * old name from 0.12 on.
 *
 * <pre>{@code
 * VllmHistogram h = VllmHistogram.forMetric("e2e");   // vllm:e2e_request_latency_seconds, 21 bounds
 * }</pre>
 *
 * @param name    the histogram's name (series {@code name_bucket}, {@code name_count}, {@code name_sum})
 * @param bounds  bucket upper bounds in seconds, ascending, without {@code +Inf}
 */
public record VllmHistogram(String name, List<Double> bounds) {
  private static final List<Double> ITL_BOUNDS = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75,
      1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0);
  public static final VllmHistogram E2E = new VllmHistogram("vllm:e2e_request_latency_seconds", List.of(0.3, 0.5, 0.8,
      1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0));
  public static final VllmHistogram TTFT = new VllmHistogram("vllm:time_to_first_token_seconds", List.of(0.001, 0.005,
      0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0));
  public static final VllmHistogram TPOT = new VllmHistogram("vllm:request_time_per_output_token_seconds", ITL_BOUNDS);
  public static final VllmHistogram ITL = new VllmHistogram("vllm:inter_token_latency_seconds", ITL_BOUNDS);

  public VllmHistogram {
    bounds = List.copyOf(bounds);
  }

  /** The histogram that judges a latency objective's metric ({@code e2e}, {@code ttft}, {@code tpot}, {@code itl}). */
  public static VllmHistogram forMetric(String metric) {
    return switch (metric) {
      case "e2e" -> E2E;
      case "ttft" -> TTFT;
      case "tpot" -> TPOT;
      case "itl" -> ITL;
      default -> throw new IllegalArgumentException("no vLLM histogram for metric '" + metric + "' (known: e2e, ttft, tpot, itl)");
    };
  }

  /** The largest bound at or below {@code seconds}, or NaN when every bound is above it. */
  public double boundAtOrBelow(double seconds) {
    double out = Double.NaN;
    for (double b : bounds) {
      if (b <= seconds * (1 + 1e-12)) {
        out = b;
      }
    }
    return out;
  }

  /** The smallest bound at or above {@code seconds}, or NaN when every bound is below it. */
  public double boundAtOrAbove(double seconds) {
    for (double b : bounds) {
      if (b >= seconds * (1 - 1e-12)) {
        return b;
      }
    }
    return Double.NaN;
  }
}
