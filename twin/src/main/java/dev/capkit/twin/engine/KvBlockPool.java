package dev.capkit.twin.engine;

/**
 * The KV cache as vLLM's block manager sees it: a fixed number of blocks of {@code blockSize}
 * tokens, handed out per sequence and returned when it finishes or is preempted. Only counts are
 * kept (no block ids: prefix caching is not modelled, since each phone step sends a new screenshot).
 */
public final class KvBlockPool {
  private final long totalBlocks;
  private final int blockSize;
  private long freeBlocks;

  public KvBlockPool(long totalBlocks, int blockSize) {
    this.totalBlocks = totalBlocks;
    this.blockSize = blockSize;
    this.freeBlocks = totalBlocks;
  }

  /** Blocks needed to hold {@code tokens} tokens. */
  public int blocksFor(long tokens) {
    return (int) ((tokens + blockSize - 1) / blockSize);
  }

  public boolean tryAllocate(int blocks) {
    if (blocks > freeBlocks) {
      return false;
    }
    freeBlocks -= blocks;
    return true;
  }

  public void release(int blocks) {
    freeBlocks += blocks;
    if (freeBlocks > totalBlocks) {
      throw new IllegalStateException("KV blocks released twice: free " + freeBlocks + " > total " + totalBlocks);
    }
  }

  public long totalBlocks() {
    return totalBlocks;
  }

  public long freeBlocks() {
    return freeBlocks;
  }

  public int blockSize() {
    return blockSize;
  }

  /** Fraction of blocks in use, 0..1 (vLLM's {@code kv_cache_usage_perc} is this fraction). */
  public double usage() {
    return totalBlocks == 0 ? 0 : 1.0 - (double) freeBlocks / totalBlocks;
  }
}
