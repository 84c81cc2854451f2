package dev.capkit.twin.engine;

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
  /** One cached block; {@code older}/{@code newer} link it into the eviction order while nobody references it. */
  static final class Block {
    final long hash;
    int refs;
    Block older;
    Block newer;
    boolean evictable;

    Block(long hash) {
      this.hash = hash;
    }
  }

  private final KvBlockPool pool;
  // hash -> block, open addressing (linear probing, deletion by backward shift): the cache may hold
  // every KV block of the GPU (tens of thousands), and boxed keys in a HashMap plus a LinkedHashMap
  // for the eviction order made a virtual hour twice as slow (emulator README, benchmark).
  private long[] keys = new long[1024];
  private Block[] values = new Block[1024];
  private int size;
  // Eviction order, least recently freed first (vLLM's free-block queue).
  private Block oldest;
  private Block newest;
  private long evictableCount;
  private long queries;
  private long hits;

  PrefixCache(KvBlockPool pool) {
    this.pool = pool;
  }

  /** Longest cached prefix of {@code hashes}, limited to {@code maxBlocks}. */
  int lookup(long[] hashes, int maxBlocks) {
    int n = 0;
    while (n < Math.min(hashes.length, maxBlocks) && get(hashes[n]) != null) {
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
    Block b = get(hash);
    if (b.refs++ == 0) {
      unlink(b);
    }
    return b;
  }

  /** Drops a reference; an unreferenced block stays cached at the tail of the eviction order. */
  void release(Block b) {
    if (--b.refs == 0) {
      b.older = newest;
      b.newer = null;
      if (newest == null) {
        oldest = b;
      } else {
        newest.newer = b;
      }
      newest = b;
      b.evictable = true;
      evictableCount++;
    }
  }

  /** Registers a block its owner just filled; false if the hash is already cached (the owner keeps a private copy). */
  Block register(long hash) {
    if (get(hash) != null) {
      return null;
    }
    Block b = new Block(hash);
    b.refs = 1;
    put(b);
    return b;
  }

  /** Frees up to {@code blocks} evictable blocks into the pool, least recently freed first. */
  void evict(long blocks) {
    while (blocks-- > 0 && oldest != null) {
      Block b = oldest;
      unlink(b);
      remove(b.hash);
      pool.release(1);
    }
  }

  long evictableBlocks() {
    return evictableCount;
  }

  long queries() {
    return queries;
  }

  long hits() {
    return hits;
  }

  private void unlink(Block b) {
    if (!b.evictable) {
      return;
    }
    if (b.older == null) {
      oldest = b.newer;
    } else {
      b.older.newer = b.newer;
    }
    if (b.newer == null) {
      newest = b.older;
    } else {
      b.newer.older = b.older;
    }
    b.older = null;
    b.newer = null;
    b.evictable = false;
    evictableCount--;
  }

  // --- the hash table (values[i] == null marks a free slot)

  private int slot(long hash) {
    long h = hash * 0x9E3779B97F4A7C15L; // the block hashes are already mixed; this spreads any that are not
    return (int) (h >>> 40) & (keys.length - 1);
  }

  private Block get(long hash) {
    int mask = keys.length - 1;
    for (int i = slot(hash); values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == hash) {
        return values[i];
      }
    }
    return null;
  }

  private void put(Block b) {
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = slot(b.hash);
    while (values[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = b.hash;
    values[i] = b;
    size++;
  }

  private void remove(long hash) {
    int mask = keys.length - 1;
    int i = slot(hash);
    while (values[i] != null && keys[i] != hash) {
      i = (i + 1) & mask;
    }
    if (values[i] == null) {
      return;
    }
    values[i] = null;
    size--;
    // Backward shift: move later entries of the probe run into the hole so lookups never stop early.
    int hole = i;
    for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
      int home = slot(keys[j]);
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        values[j] = null;
        hole = j;
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    Block[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new Block[oldValues.length * 2];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != null) {
        put(oldValues[i]);
      }
    }
  }
}
