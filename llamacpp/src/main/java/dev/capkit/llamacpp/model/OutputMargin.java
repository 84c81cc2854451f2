package dev.capkit.llamacpp.model;

/**
 * Why a generated model can only ever emit word tokens: a bound, from the weights alone, on how far
 * every word token's logit stays above every other token's logit, whatever the input.
 *
 * <p><b>Construction.</b> Residual dimension 0 is a constant channel: every token embedding has
 * {@code C} there and every block writes 0 to it (row 0 of {@code attn_output} and
 * {@code ffn_down} is zero), so h[0] = C after every block. The rest of the residual, h', grows by
 * at most {@code blockBound} per block, so ||h'|| <= R = max embedding rest norm + sum of block
 * bounds. After the final RMSNorm (x = h / sqrt(mean(h^2) + eps)) the constant channel is at least
 * x0min = C / sqrt((C^2 + R^2)/d + eps) and the rest has norm at most sqrt(d) R / sqrt(C^2 + R^2).
 * The output projection gives word tokens +B on dimension 0 plus random weights on the rest (final
 * norm gain gamma there); every other token (EOS, control, byte and sub-word tokens) gets -B and
 * zeros. So a word token's logit minus any other token's logit is at least
 * <pre>  margin = 2 B x0min - gamma max||W_word,rest|| sqrt(d) R / sqrt(C^2 + R^2)</pre>
 * and B is chosen to make that {@link #TARGET} (1,000 logits): at temperature 2 with the largest
 * frequency/presence penalties OpenAI allows (2, over llama.cpp's 64-token window) the other tokens'
 * probabilities are below exp(-370), which is 0 in float32 arithmetic. EOS never wins, so every
 * completion runs to {@code max_tokens}, and every token sent is a complete ASCII word.
 *
 * <p><b>Block bounds</b> (Frobenius norms bound operator norms; |silu(a)| <= |a|; the block input
 * x = g * RMSNorm(h) has norm at most sqrt(d) g):
 * attention output <= ||Wo|| sqrt(heads/kvHeads) ||Wv|| sqrt(d) g_attn (each head's output is a
 * convex combination of its value vectors);
 * feed-forward output <= ||Wdown|| maxRow(Wgate) sqrt(d) g_ffn ||Wup|| sqrt(d) g_ffn.
 * Each bound is multiplied by {@link #SLACK} for F16 rounding of activations and the KV cache.
 */
public final class OutputMargin {
  /** The margin, in logits, that B is chosen for. */
  public static final double TARGET = 1_000;
  /** Allowance on block bounds for binary16 rounding inside llama.cpp (relative error 2^-11 per value). */
  public static final double SLACK = 1.05;
  /** RMSNorm epsilon written to the model ({@code llama.attention.layer_norm_rms_epsilon}). */
  public static final double RMS_EPS = 1e-5;

  private OutputMargin() {
  }

  /** Smallest value of the constant channel after the final RMSNorm. */
  public static double constantChannelMin(double c, double restBound, int d) {
    return c / Math.sqrt((c * c + restBound * restBound) / d + RMS_EPS);
  }

  /** Largest norm of the rest of the residual after the final RMSNorm. */
  public static double restNormMax(double c, double restBound, int d) {
    return Math.sqrt(d) * restBound / Math.sqrt(c * c + restBound * restBound);
  }

  /** B for which {@link #margin} equals {@link #TARGET}. */
  public static double bias(double c, double restBound, int d, double gamma, double maxWordRowNorm) {
    double contextSwing = gamma * maxWordRowNorm * restNormMax(c, restBound, d);
    return (TARGET + contextSwing) / (2 * constantChannelMin(c, restBound, d));
  }

  /** The guaranteed logit gap between any word token and any other token. */
  public static double margin(double c, double restBound, int d, double gamma, double maxWordRowNorm, double b) {
    return 2 * b * constantChannelMin(c, restBound, d) - gamma * maxWordRowNorm * restNormMax(c, restBound, d);
  }

  /** Bound on one attention block's output norm for gain {@code gAttn}. */
  public static double attentionBound(double woNorm, double wvNorm, int heads, int kvHeads, int d, double gAttn) {
    return SLACK * woNorm * Math.sqrt((double) heads / kvHeads) * wvNorm * Math.sqrt(d) * gAttn;
  }

  /** Bound on one feed-forward block's output norm for gain {@code gFfn}. */
  public static double feedForwardBound(double downNorm, double gateMaxRow, double upNorm, int d, double gFfn) {
    return SLACK * downNorm * gateMaxRow * upNorm * d * gFfn * gFfn;
  }
}
