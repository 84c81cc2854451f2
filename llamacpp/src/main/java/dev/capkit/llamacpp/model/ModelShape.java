package dev.capkit.llamacpp.model;

/**
 * The dimensions of a generated LLaMA-architecture model.
 *
 * <pre>{@code
 * ModelShape s = ModelShape.forParameters(30, 4096);  // ~30 M parameters, 4,096-token vocabulary
 * s.layers();      // 9
 * s.parameters();  // 30,7xx,xxx
 * }</pre>
 *
 * @param vocab         vocabulary size (token_embd and output rows)
 * @param embedding     hidden size
 * @param layers        transformer blocks
 * @param heads         attention heads
 * @param kvHeads       key/value heads (grouped-query attention when fewer than {@code heads})
 * @param feedForward   SwiGLU hidden size
 * @param contextLength longest sequence the model declares ({@code llama.context_length})
 */
public record ModelShape(int vocab, int embedding, int layers, int heads, int kvHeads, int feedForward,
    int contextLength) {
  /** Hidden size of every generated model: 8 heads of 64, 4 key/value heads. */
  public static final int EMBEDDING = 512;
  public static final int HEADS = 8;
  public static final int KV_HEADS = 4;
  public static final int FEED_FORWARD = 1408;
  public static final int CONTEXT_LENGTH = 4096;

  public ModelShape {
    if (vocab < 260 || embedding < 8 || layers < 1 || heads < 1 || kvHeads < 1 || heads % kvHeads != 0
        || embedding % heads != 0 || feedForward < 1 || contextLength < 16) {
      throw new IllegalArgumentException("inconsistent model shape: " + this);
    }
  }

  /**
   * The shape of fixed width ({@value #EMBEDDING} hidden, {@value #FEED_FORWARD} feed-forward) whose
   * block count brings the parameter count nearest to {@code millions} (at least one block).
   */
  public static ModelShape forParameters(double millions, int vocab) {
    if (!(millions > 0) || millions > 2_000) {
      throw new IllegalArgumentException("params-m must be in (0, 2000], got " + millions);
    }
    ModelShape one = new ModelShape(vocab, EMBEDDING, 1, HEADS, KV_HEADS, FEED_FORWARD, CONTEXT_LENGTH);
    long fixed = one.parameters() - one.parametersPerLayer();
    long layers = Math.max(1, Math.round((millions * 1e6 - fixed) / one.parametersPerLayer()));
    return new ModelShape(vocab, EMBEDDING, (int) layers, HEADS, KV_HEADS, FEED_FORWARD, CONTEXT_LENGTH);
  }

  public int headDim() {
    return embedding / heads;
  }

  /** Width of the key and value projections. */
  public int kvWidth() {
    return headDim() * kvHeads;
  }

  public long parametersPerLayer() {
    long e = embedding;
    return 2 * e * e + 2 * e * kvWidth() + 3 * e * feedForward + 2 * e;
  }

  /** Every weight: embeddings, blocks, final norm, output projection (not tied). */
  public long parameters() {
    return 2L * vocab * embedding + layers * parametersPerLayer() + embedding;
  }
}
