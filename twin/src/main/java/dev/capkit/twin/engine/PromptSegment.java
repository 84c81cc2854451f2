package dev.capkit.twin.engine;

/**
 * A run of prompt tokens with one content identity: a message's text, an image, a chat-template
 * piece. Two prompts that start with the same segments (same keys and token counts, in the same
 * order) share their KV blocks up to the first difference, which is what vLLM's prefix cache finds
 * by hashing token ids (and image hashes) block by block.
 *
 * @param key    content identity, e.g. {@code "text:" + hash of the message text}, {@code "image:" + hash of its bytes}
 * @param tokens tokens this segment occupies in the prompt (>= 0)
 */
public record PromptSegment(String key, int tokens) {
  public PromptSegment {
    if (key == null || tokens < 0) {
      throw new IllegalArgumentException("segment needs a key and tokens >= 0, got " + key + ", " + tokens);
    }
  }
}
