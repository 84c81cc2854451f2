package dev.capkit.twin.engine;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * vLLM V1's block hashes for a prompt: one hash per <em>full</em> block of {@code blockSize}
 * tokens, each chained to the previous block's hash ({@code hash(parent, tokens of this block,
 * extra keys such as image hashes)}), so a block matches only if everything before it matches too.
 * Here a block's "tokens" are the (segment key, offset range) pieces it covers.
 *
 * <pre>{@code
 * long[] h = PrefixHashes.of(List.of(new PromptSegment("text:sys", 650), new PromptSegment("image:abc", 3356)), 16);
 * h.length; // 250 full blocks of the 4,006 tokens
 * }</pre>
 */
public final class PrefixHashes {
  private static final long SEED = 0x9E3779B97F4A7C15L;

  private PrefixHashes() {}

  public static long[] of(List<PromptSegment> segments, int blockSize) {
    long total = 0;
    for (PromptSegment s : segments) {
      total += s.tokens();
    }
    int blocks = (int) (total / blockSize);
    long[] out = new long[blocks];
    long parent = SEED;
    int seg = 0;
    int offset = 0; // tokens of segments[seg] already consumed
    for (int b = 0; b < blocks; b++) {
      long h = mix(parent);
      int left = blockSize;
      while (left > 0) {
        PromptSegment s = segments.get(seg);
        int take = Math.min(left, s.tokens() - offset);
        if (take > 0) {
          h = mix(h ^ keyHash(s.key()));
          h = mix(h ^ ((long) offset << 32 | take));
          offset += take;
          left -= take;
        }
        if (offset >= s.tokens()) {
          seg++;
          offset = 0;
        }
      }
      out[b] = h;
      parent = h;
    }
    return out;
  }

  private static long keyHash(String key) {
    long h = 0xcbf29ce484222325L; // FNV-1a 64
    for (byte c : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= c;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static long mix(long z) { // splitmix64 finalizer
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
