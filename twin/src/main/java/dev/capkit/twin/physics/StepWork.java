package dev.capkit.twin.physics;

/**
 * What one engine step computes, summed over its sequences: {@code tokens} pushed through the
 * decoder (prefill chunks + one per decoding sequence), {@code sampled} sequences that produce a
 * token (run lm_head), {@code attentionPairs} (query, key) pairs attended, {@code kvTokensTouched}
 * KV entries read or written, and the vision-encoder work of images encoded in this step
 * ({@code visionPatches} and the sum of each image's patches squared, for its full attention).
 * {@code decodeTokens} and {@code decodeAttentionPairs} are the part of {@code tokens} and
 * {@code attentionPairs} that belongs to decoding sequences (one token each), so the cost model can
 * price decode compute apart from prefill compute ({@link TwinCoefficients#decodeMfu()}).
 */
public record StepWork(
    long tokens, int sampled, double attentionPairs, long kvTokensTouched, long visionPatches, double visionPatchesSquared,
    long decodeTokens, double decodeAttentionPairs) {

  public static final StepWork EMPTY = new StepWork(0, 0, 0, 0, 0, 0, 0, 0);

  /** Work without decoding sequences (prefill chunks, images). */
  public StepWork(long tokens, int sampled, double attentionPairs, long kvTokensTouched, long visionPatches,
      double visionPatchesSquared) {
    this(tokens, sampled, attentionPairs, kvTokensTouched, visionPatches, visionPatchesSquared, 0, 0);
  }

  /** One decoding sequence whose KV already holds {@code context} tokens. */
  public static StepWork decode(long context) {
    return new StepWork(1, 1, context + 1, context + 1, 0, 0, 1, context + 1);
  }

  /** A prefill chunk of {@code chunk} tokens after {@code context} cached ones; samples if it ends the prompt. */
  public static StepWork prefill(long context, long chunk, boolean samples) {
    double pairs = (double) chunk * context + (double) chunk * (chunk + 1) / 2.0;
    return new StepWork(chunk, samples ? 1 : 0, pairs, context + chunk, 0, 0);
  }

  /** One image through the vision tower. */
  public static StepWork image(long patches) {
    return new StepWork(0, 0, 0, 0, patches, (double) patches * patches);
  }

  /**
   * The same step when every token attends over the whole used range of one KV cache shared by all
   * slots (llama.cpp's unified cache: the key/value tensors span {@code cells} cells, other slots'
   * masked out but computed), instead of over its own sequence: {@code cells} pairs per token, and
   * the cache read once for the step.
   */
  public StepWork overSharedCache(long cells) {
    return new StepWork(tokens, sampled, (double) tokens * cells, cells, visionPatches, visionPatchesSquared, decodeTokens,
        (double) decodeTokens * cells);
  }

  public StepWork plus(StepWork o) {
    return new StepWork(tokens + o.tokens, sampled + o.sampled, attentionPairs + o.attentionPairs,
        kvTokensTouched + o.kvTokensTouched, visionPatches + o.visionPatches, visionPatchesSquared + o.visionPatchesSquared,
        decodeTokens + o.decodeTokens, decodeAttentionPairs + o.decodeAttentionPairs);
  }
}
