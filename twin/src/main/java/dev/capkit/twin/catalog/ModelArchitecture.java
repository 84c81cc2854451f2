package dev.capkit.twin.catalog;

/**
 * The parts of a model's architecture that decide memory and compute: the text decoder (a GQA
 * transformer) and the vision tower. Parameter counts are derived from the shape, e.g. for
 * AutoGLM-Phone-9B (GLM-4.1V-9B): {@code decoderLinearParams() = 40 x (2 x 4096^2 + 2 x 4096 x 256
 * + 3 x 4096 x 13696) = 8.158e9}.
 *
 * <pre>{@code
 * ModelArchitecture m = catalog.model("autoglm-phone-9b");
 * long kvBytes = m.kvBytesPerToken(2); // 40,960 B per token in BF16
 * }</pre>
 *
 * <p>A text-only model (no {@code vision} in {@code models.json}, e.g. capkit's generated llama.cpp
 * model) has zero vision parameters and {@link #NO_IMAGES}. {@code lmHeadBytesPerParam} is the
 * output projection's element size as stored: 2 for 16-bit checkpoints, 4 where it is kept in F32
 * (capkit's generated GGUF).
 */
public record ModelArchitecture(
    String id,
    String servedModelName,
    String hfId,
    int layers,
    int hiddenSize,
    int attentionHeads,
    int kvHeads,
    int headDim,
    int intermediateSize,
    int vocabSize,
    boolean tiedEmbeddings,
    int visionDepth,
    int visionHidden,
    long visionTowerParams,
    long visionMergerParams,
    ImageTokenSpec images,
    double lmHeadBytesPerParam) {

  /** The image rule of a model without a vision tower: never applied (text chats only). */
  public static final ImageTokenSpec NO_IMAGES = new ImageTokenSpec(1, 1, 1, 1, 1, 0);

  /** A model whose output projection is stored 16-bit, like the rest of its unquantized weights. */
  public ModelArchitecture(String id, String servedModelName, String hfId, int layers, int hiddenSize, int attentionHeads,
      int kvHeads, int headDim, int intermediateSize, int vocabSize, boolean tiedEmbeddings, int visionDepth, int visionHidden,
      long visionTowerParams, long visionMergerParams, ImageTokenSpec images) {
    this(id, servedModelName, hfId, layers, hiddenSize, attentionHeads, kvHeads, headDim, intermediateSize, vocabSize,
        tiedEmbeddings, visionDepth, visionHidden, visionTowerParams, visionMergerParams, images, 2.0);
  }

  /** True when the model has a vision tower (it accepts images). */
  public boolean hasVision() {
    return visionTowerParams + visionMergerParams > 0;
  }

  /** Image-token rule inputs (GLM-4.1V processor). */
  public record ImageTokenSpec(
      int patchSize, int spatialMerge, long minPixels, long maxPixels, int pixelsPerToken, int extraTokensPerImage) {
    /** Side of the pixel square that becomes one image token: patch x merge = 28 px. */
    public int factor() {
      return patchSize * spatialMerge;
    }
  }

  /** Weights of all linear layers of the decoder (q, k, v, o, gate, up, down); biases ignored (under 0.1%). */
  public long decoderLinearParams() {
    long q = (long) hiddenSize * attentionHeads * headDim;
    long kv = 2L * hiddenSize * kvHeads * headDim;
    long o = (long) attentionHeads * headDim * hiddenSize;
    long mlp = 3L * hiddenSize * intermediateSize;
    return layers * (q + kv + o + mlp);
  }

  /** Input embedding table; only the looked-up rows are read per step. */
  public long embeddingParams() {
    return (long) vocabSize * hiddenSize;
  }

  /** Output projection; read in full by every step that samples a token (shared with the embedding if tied). */
  public long lmHeadParams() {
    return (long) vocabSize * hiddenSize;
  }

  public long visionParams() {
    return visionTowerParams + visionMergerParams;
  }

  /** Parameters stored in the checkpoint. */
  public long storedParams() {
    return decoderLinearParams() + embeddingParams() + (tiedEmbeddings ? 0 : lmHeadParams()) + visionParams();
  }

  /** KV cache per token: 2 (K and V) x layers x kv_heads x head_dim x bytes per element. */
  public long kvBytesPerToken(int bytesPerElement) {
    return 2L * layers * kvHeads * headDim * bytesPerElement;
  }

  /** Width of the attention queries (heads x head_dim), used for attention FLOPs. */
  public int queryWidth() {
    return attentionHeads * headDim;
  }
}
