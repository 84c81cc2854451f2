package dev.capkit.twin.physics;

/**
 * The fitted coefficients of the serving model: the numbers that turn hardware peaks and work
 * counts into seconds. Everything else the twin computes (FLOPs, bytes, KV blocks, image tokens)
 * follows from the model architecture and the GPU's datasheet; these are the only free parameters,
 * so they are exactly what a calibration fits.
 *
 * <table>
 *   <caption>coefficients, their JSON names (catalog and calibration profile) and where they act</caption>
 *   <tr><th>component</th><th>JSON name</th><th>unit</th><th>acts on</th></tr>
 *   <tr><td>{@link #stepOverheadSeconds}</td><td>{@code step_overhead_ms}</td><td>ms per engine step</td>
 *       <td>added to every non-empty step: {@code t = max(FLOPs / (peak x mfu), bytes / (BW x mbu)) + overhead}</td></tr>
 *   <tr><td>{@link #prefillMfu}</td><td>{@code mfu}</td><td>fraction of dense tensor peak, (0, 1]</td>
 *       <td>compute of prefill chunks and the vision encoder:
 *       {@code compute = prefill FLOPs / (peak x mfu) + decode FLOPs / (peak x decode_mfu)}</td></tr>
 *   <tr><td>{@link #decodeMfu}</td><td>{@code decode_mfu}</td><td>fraction of dense tensor peak, (0, 1]</td>
 *       <td>compute of decoding sequences' tokens (one per sequence per step: matrix-vector products,
 *       sampling, per-token hand-over). Not given: equal to {@code mfu} (one compute fraction, as
 *       every GPU entry in the catalog). It differs where the engine's kernels do: llama.cpp on a CPU
 *       runs a batched prompt through blocked matrix products and decode through per-token dot
 *       products plus the per-token result hand-over, so its decode tokens cost more compute each</td></tr>
 *   <tr><td>{@link #batchedStepSeconds}</td><td>{@code batched_step_ms}</td><td>ms per engine step of two or more tokens</td>
 *       <td>0 (every catalog GPU, and a profile without it): one path, the roofline above. Above 0: two paths, as
 *       llama.cpp on a CPU has them: a step of one token (a sequence decoding alone) runs through matrix-vector
 *       products, {@code t = FLOPs / (peak x decode_mfu)}; a step of two or more tokens (several sequences
 *       decoding, or a prompt) through its matrix-matrix kernels, {@code t = batched_step_ms + FLOPs / (peak x mfu)},
 *       decode tokens included (plus, on both paths, the step overhead and the memory roofline). Measured on the
 *       generated 30M model (calibration/README.md): a decode step took ~6 ms with one sequence, ~18 ms with two,
 *       ~19 ms with three, ~23 ms with four, and a prompt token ~2.5 ms</td></tr>
 *   <tr><td>{@link #decodeMbu}</td><td>{@code mbu}</td><td>fraction of peak DRAM bandwidth, (0, 1]</td>
 *       <td>memory-bound work (decode: weights + KV read once per step)</td></tr>
 *   <tr><td>{@link #hostRequestSeconds}</td><td>{@code host_request_ms}</td><td>ms per request</td>
 *       <td>API-server CPU before the engine sees a request (HTTP parse, chat template, tokenization);
 *       part of TTFT and of the modelled process CPU</td></tr>
 *   <tr><td>{@link #imagePreprocessSecondsPerMegapixel}</td><td>{@code image_preprocess_ms_per_megapixel}</td>
 *       <td>ms per megapixel of input image</td>
 *       <td>API-server CPU per image (decode, resize to the processor grid, normalize, patchify);
 *       part of TTFT and of the modelled process CPU</td></tr>
 *   <tr><td>{@link #detokenizeSecondsPerToken}</td><td>{@code detokenize_us_per_token}</td><td>us per output token</td>
 *       <td>API-server CPU per streamed token (incremental detokenization, SSE chunk)</td></tr>
 * </table>
 *
 * <p>Where they come from ({@link #source} names it, and every prediction made with a plan can
 * quote it): the catalog's defaults ({@code serving.json} {@code efficiency} and {@code host}),
 * overridden per GPU by a {@code coefficients} object in {@code gpus.json}
 * ({@code Catalog#coefficients(String)}); or a calibration profile applied on top of those
 * ({@code CalibrationProfile#applyTo}). Pass the result to {@code ServingPlan.resolve(..., coefficients)}.
 *
 * <pre>{@code
 * TwinCoefficients base = catalog.coefficients("A10");           // source "catalog: serving.json defaults, gpus.json A10"
 * TwinCoefficients fitted = CalibrationProfile.read(file).applyTo(base, "A10");
 * ServingPlan plan = ServingPlan.resolve(catalog, "gn7i-c8g1.2xlarge", "autoglm-phone-9b", Dtype.FP8, 0, fitted);
 * plan.coefficients().source();                                  // "calibration profile 'x' (file), ..."
 * }</pre>
 *
 * @param source human-readable origin of these values, quoted next to predictions made with them
 */
public record TwinCoefficients(
    String source,
    double stepOverheadSeconds,
    double prefillMfu,
    double decodeMfu,
    double decodeMbu,
    double hostRequestSeconds,
    double imagePreprocessSecondsPerMegapixel,
    double detokenizeSecondsPerToken,
    double batchedStepSeconds) {

  /** Coefficients without a batched-path step cost ({@code batched_step_ms} 0: every catalog GPU). */
  public TwinCoefficients(String source, double stepOverheadSeconds, double prefillMfu, double decodeMfu,
      double decodeMbu, double hostRequestSeconds, double imagePreprocessSecondsPerMegapixel,
      double detokenizeSecondsPerToken) {
    this(source, stepOverheadSeconds, prefillMfu, decodeMfu, decodeMbu, hostRequestSeconds,
        imagePreprocessSecondsPerMegapixel, detokenizeSecondsPerToken, 0);
  }

  public TwinCoefficients {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("coefficients need a source");
    }
    requireFraction("mfu", prefillMfu);
    requireFraction("decode_mfu", decodeMfu);
    requireFraction("mbu", decodeMbu);
    requireNonNegative("step_overhead_ms", stepOverheadSeconds);
    requireNonNegative("host_request_ms", hostRequestSeconds);
    requireNonNegative("image_preprocess_ms_per_megapixel", imagePreprocessSecondsPerMegapixel);
    requireNonNegative("detokenize_us_per_token", detokenizeSecondsPerToken);
    requireNonNegative("batched_step_ms", batchedStepSeconds);
  }

  /** Host-side CPU seconds spent on one request's images before the engine can schedule it. */
  public double imagePreprocessSeconds(long imagePixels) {
    return imagePixels / 1e6 * imagePreprocessSecondsPerMegapixel;
  }

  /**
   * Host-side time before the engine sees a request: the API server's per-request path plus its
   * images' preprocessing. Added to TTFT (the request joins the engine this long after it arrived)
   * and charged as API-server CPU. Modelled as a delay per request (the API server's event loop and
   * its thread pool are not modelled as a queue).
   */
  public double requestHostSeconds(long imagePixels) {
    return hostRequestSeconds + imagePreprocessSeconds(imagePixels);
  }

  /** Same values, another source text. */
  public TwinCoefficients withSource(String value) {
    return new TwinCoefficients(value, stepOverheadSeconds, prefillMfu, decodeMfu, decodeMbu, hostRequestSeconds,
        imagePreprocessSecondsPerMegapixel, detokenizeSecondsPerToken, batchedStepSeconds);
  }

  /** Same values with {@code batched_step_ms} set to {@code seconds}. */
  public TwinCoefficients withBatchedStepSeconds(double seconds) {
    return new TwinCoefficients(source, stepOverheadSeconds, prefillMfu, decodeMfu, decodeMbu, hostRequestSeconds,
        imagePreprocessSecondsPerMegapixel, detokenizeSecondsPerToken, seconds);
  }

  /** True when decode compute runs at the prefill fraction (one compute fraction: {@code decode_mfu} not set apart). */
  public boolean oneComputeFraction() {
    return decodeMfu == prefillMfu;
  }

  /**
   * Same values with the prefill fraction {@code mfu} set to {@code value}; a decode fraction that
   * was one with it ({@link #oneComputeFraction()}) moves with it, a separate one stays.
   */
  public TwinCoefficients withMfu(double value) {
    return new TwinCoefficients(source, stepOverheadSeconds, value, oneComputeFraction() ? value : decodeMfu, decodeMbu,
        hostRequestSeconds, imagePreprocessSecondsPerMegapixel, detokenizeSecondsPerToken, batchedStepSeconds);
  }

  /** Same values with the decode fraction {@code decode_mfu} set apart at {@code value}. */
  public TwinCoefficients withDecodeMfu(double value) {
    return new TwinCoefficients(source, stepOverheadSeconds, prefillMfu, value, decodeMbu,
        hostRequestSeconds, imagePreprocessSecondsPerMegapixel, detokenizeSecondsPerToken, batchedStepSeconds);
  }

  /** One line: the values in their JSON units, then the source. */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "step_overhead_ms %.2f%s, mfu %.3f%s, mbu %.3f, host_request_ms %.2f, image_preprocess_ms_per_megapixel %.1f,"
            + " detokenize_us_per_token %.1f (%s)",
        stepOverheadSeconds * 1e3,
        batchedStepSeconds == 0 ? "" : String.format(java.util.Locale.ROOT, ", batched_step_ms %.2f", batchedStepSeconds * 1e3),
        prefillMfu,
        oneComputeFraction() ? "" : String.format(java.util.Locale.ROOT, ", decode_mfu %.3f", decodeMfu),
        decodeMbu, hostRequestSeconds * 1e3,
        imagePreprocessSecondsPerMegapixel * 1e3, detokenizeSecondsPerToken * 1e6, source);
  }

  private static void requireFraction(String name, double v) {
    if (!(v > 0 && v <= 1)) {
      throw new IllegalArgumentException(name + ": expected a fraction in (0, 1], got " + v);
    }
  }

  private static void requireNonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + ": expected a finite number >= 0, got " + v);
    }
  }
}
