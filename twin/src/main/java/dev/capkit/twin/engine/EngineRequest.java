package dev.capkit.twin.engine;

/**
 * One request inside the engine: its prompt (text + image tokens), the number of output tokens it
 * will produce (decided up front by the answer generator, capped by {@code max_tokens} and
 * {@code max_model_len}), and its scheduling state. Mutable and owned by one engine; only the
 * engine's thread touches the state fields.
 *
 * <p>Token accounting follows vLLM V1: {@code computed} tokens have KV in cache; the sequence holds
 * {@code promptTokens + generated} tokens; a step schedules {@code promptTokens + generated - computed}
 * of them (a prefill chunk, a recompute after preemption, or 1 for decode) and samples the next
 * token when it catches up.
 */
public final class EngineRequest {
  private final String id;
  private final int promptTokens;
  private final long imagePatches;
  private final double imagePatchesSquared;
  private final int imageCount;
  private final int outputTokens;
  private final long promptChars;
  private final long imagePixels;
  private final Object attachment;
  private final java.util.List<PromptSegment> segments;

  int computed;
  int generated;
  int blocks;
  boolean encoded;
  boolean running;
  boolean finished;
  boolean aborted;
  int preemptions;
  int scheduledThisStep;
  long admittedStep = -1;
  long[] blockHashes = new long[0];
  final java.util.List<PrefixCache.Block> held = new java.util.ArrayList<>();
  int registered;
  int cachedTokens;

  /**
   * @param imagePatches total vision patches of the request's images (0 for text-only)
   * @param imagePatchesSquared sum over images of patches^2 (vision attention cost)
   * @param attachment the driver's handle for this request (the HTTP stream, a record index), or null
   */
  public EngineRequest(String id, int promptTokens, int imageCount, long imagePatches, double imagePatchesSquared,
      int outputTokens, long promptChars, long imagePixels, Object attachment) {
    this(id, promptTokens, imageCount, imagePatches, imagePatchesSquared, outputTokens, promptChars, imagePixels,
        attachment, java.util.List.of());
  }

  /**
   * @param segments the prompt's content identity in order (for prefix caching); tokens they leave
   *                 uncovered are unique to this request; empty = the whole prompt is unique
   */
  public EngineRequest(String id, int promptTokens, int imageCount, long imagePatches, double imagePatchesSquared,
      int outputTokens, long promptChars, long imagePixels, Object attachment, java.util.List<PromptSegment> segments) {
    if (promptTokens < 1 || outputTokens < 1) {
      throw new IllegalArgumentException("request " + id + ": prompt and output need >= 1 token, got "
          + promptTokens + " and " + outputTokens);
    }
    this.id = id;
    this.promptTokens = promptTokens;
    this.imageCount = imageCount;
    this.imagePatches = imagePatches;
    this.imagePatchesSquared = imagePatchesSquared;
    this.outputTokens = outputTokens;
    this.promptChars = promptChars;
    this.imagePixels = imagePixels;
    this.attachment = attachment;
    this.segments = java.util.List.copyOf(segments);
  }

  /** The prompt's segments, padded with a request-unique tail (or cut) to exactly {@code promptTokens}. */
  java.util.List<PromptSegment> prefixSegments() {
    java.util.List<PromptSegment> out = new java.util.ArrayList<>();
    int left = promptTokens;
    for (PromptSegment s : segments) {
      int take = Math.min(left, s.tokens());
      if (take > 0) {
        out.add(take == s.tokens() ? s : new PromptSegment(s.key(), take));
      }
      left -= take;
    }
    if (left > 0) {
      out.add(new PromptSegment("unique:" + id + ":" + System.identityHashCode(this), left));
    }
    return out;
  }

  /** Prompt tokens served from the prefix cache when this request was (last) admitted. */
  public int cachedTokens() {
    return cachedTokens;
  }

  public String id() {
    return id;
  }

  public int promptTokens() {
    return promptTokens;
  }

  public int outputTokens() {
    return outputTokens;
  }

  public int imageCount() {
    return imageCount;
  }

  public long imagePatches() {
    return imagePatches;
  }

  double imagePatchesSquared() {
    return imagePatchesSquared;
  }

  public long promptChars() {
    return promptChars;
  }

  public long imagePixels() {
    return imagePixels;
  }

  public Object attachment() {
    return attachment;
  }

  /** Output tokens produced so far. */
  public int generated() {
    return generated;
  }

  /**
   * The engine step (0-based count of steps the engine had made) in which this request first left
   * the waiting queue for a running slot, or -1 while it has not.
   */
  public long admittedStep() {
    return admittedStep;
  }

  public int preemptions() {
    return preemptions;
  }

  public boolean isFinished() {
    return finished;
  }

  int pending() {
    return promptTokens + generated - computed;
  }
}
