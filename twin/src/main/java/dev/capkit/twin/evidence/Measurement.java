package dev.capkit.twin.evidence;

/**
 * One published measurement of an LLM server, as recorded in the evidence file
 * ({@code scenarios/catalog/evidence/vllm-measurements.json}, read by
 * {@link dev.capkit.twin.catalog.EvidenceFile}).
 *
 * @param concurrency requests kept in flight (closed loop, as {@code --max-concurrency}); 0 = all
 *                    {@code requests} sent at once ({@code --request-rate inf} without a concurrency cap)
 * @param metric      what {@code value} is: {@link Metric}
 * @param quote       the figure as the source states it (verbatim number with its unit)
 * @param assumption  what the source leaves open and the prediction assumes, or empty
 * @param sharedPrompt every request sends the same prompt (prefix caching reuses it)
 * @param outlierCause a named cause the model does not cover, for a point the twin cannot reproduce; empty if none
 * @param fitted       the coefficients this measurement was used to fit (so it checks nothing by itself), or empty
 */
public record Measurement(
    String id,
    String url,
    String title,
    String engine,
    String model,
    String gpu,
    String dtype,
    int concurrency,
    int requests,
    int promptTokens,
    int outputTokens,
    Metric metric,
    double value,
    String quote,
    String assumption,
    boolean sharedPrompt,
    String outlierCause,
    String fitted) {

  /** The published figure a measurement reports. */
  public enum Metric {
    /** 1 / mean time per output token at the given concurrency, tokens/s per stream. */
    DECODE_TOKENS_PER_SECOND("decode_tokens_per_second", "tok/s per stream"),
    /** Mean time per output token (excluding the first), ms. */
    MEAN_TPOT_MS("mean_tpot_ms", "ms TPOT"),
    /** Mean end-to-end request latency, s. */
    MEAN_E2E_S("mean_e2e_s", "s E2E"),
    /** Mean time to first token, ms. */
    MEAN_TTFT_MS("mean_ttft_ms", "ms TTFT"),
    /** (prompt + output tokens of all requests) / benchmark duration, tokens/s. */
    TOTAL_TOKENS_PER_SECOND("total_tokens_per_second", "total tok/s");

    private final String key;
    private final String unit;

    Metric(String key, String unit) {
      this.key = key;
      this.unit = unit;
    }

    public String key() {
      return key;
    }

    public String unit() {
      return unit;
    }

    /** Null when unknown. */
    public static Metric parse(String key) {
      for (Metric m : values()) {
        if (m.key.equals(key)) {
          return m;
        }
      }
      return null;
    }
  }
}
