package dev.capkit.twin.engine;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM V1's automatic prefix cache over the {@link KvBlockPool}: full prompt blocks are registered
 * under their chained hash ({@link PrefixHashes}) once computed; a new request reuses the longest
 * run of its leading block hashes found here (at most {@code (prompt - 1) / blockSize} blocks, since
 * the last prompt token is always recomputed to get logits), and those tokens skip prefill. Blocks
 * are reference-counted; a block nobody references stays cached but evictable, and allocation
 * evicts the least recently freed first (vLLM's free-block queue). Counters follow
 * {@code vllm:prefix_cache_queries} / {@code vllm:prefix_cache_hits}: prompt tokens looked up and
 * tokens found.
 */
final class PrefixCache {
  /** One cached block. */
  static final class Block {
    final long hash;
    int refs;

    Block(long hash) {
      this.hash = hash;
    }
  }

  private final KvBlockPool pool;
  private final Map<Long, Block> table = new HashMap<>();
  private final LinkedHashMap<Long, Block> evictable = new LinkedHashMap<>(); // insertion = freeing order
  private long queries;
  private long hits;

  PrefixCache(KvBlockPool pool) {
    this.pool = pool;
  }

  /** Longest cached prefix of {@code hashes}, limited to {@code maxBlocks}. */
  int lookup(long[] hashes, int maxBlocks) {
    int n = 0;
    while (n < Math.min(hashes.length, maxBlocks) && table.containsKey(hashes[n])) {
      n++;
    }
    return n;
  }

  /** Counts an admitted request's lookup: its prompt tokens were queried, {@code hitBlocks} blocks found. */
  void count(int promptTokens, int hitBlocks) {
    queries += promptTokens;
    hits += (long) hitBlocks * pool.blockSize();
  }

  /** Takes a reference on a cached block (it stops being evictable). */
  Block acquire(long hash) {
    Block b = table.get(hash);
    if (b.refs++ == 0) {
      evictable.remove(hash);
    }
    return b;
  }

  /** Drops a reference; an unreferenced block stays cached at the tail of the eviction order. */
  void release(Block b) {
    if (--b.refs == 0) {
      evictable.put(b.hash, b);
    }
  }

  /** Registers a block its owner just filled; false if the hash is already cached (the owner keeps a private copy). */
  Block register(long hash) {
    if (table.containsKey(hash)) {
      return null;
    }
    Block b = new Block(hash);
    b.refs = 1;
    table.put(hash, b);
    return b;
  }

  /** Frees up to {@code blocks} evictable blocks into the pool, least recently freed first. */
  void evict(long blocks) {
    Iterator<Block> it = evictable.values().iterator();
    while (blocks-- > 0 && it.hasNext()) {
      Block b = it.next();
      it.remove();
      table.remove(b.hash);
      pool.release(1);
    }
  }

  long evictableBlocks() {
    return evictable.size();
  }

  long queries() {
    return queries;
  }

  long hits() {
    return hits;
  }
}
