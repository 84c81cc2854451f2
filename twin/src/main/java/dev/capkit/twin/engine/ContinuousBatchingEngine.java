package dev.capkit.twin.engine;

import dev.capkit.twin.catalog.ServingConfig;
import dev.capkit.twin.physics.StepCostModel;
import dev.capkit.twin.physics.StepWork;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A continuous-batching engine shaped like vLLM V1's scheduler, with no clock of its own: the
 * caller asks for one {@link #step()} at a time and decides when that step's tokens are delivered
 * (in real time behind the HTTP server, or on a virtual clock in {@code VirtualRun}).
 *
 * <p>Each step, as vLLM does: (1) running sequences in admission order get their pending tokens
 * (1 for decode, a chunk for prefill or recompute) within the {@code max_num_batched_tokens} budget,
 * allocating KV blocks; when blocks run out the most recently admitted running sequence is
 * preempted (blocks freed, put back at the head of the waiting queue, recomputed later);
 * (2) if nothing was preempted, waiting sequences are admitted in FIFO order while budget,
 * {@code max_num_seqs} and blocks allow, their prompt chunked to the remaining budget. A sequence's
 * images go through the vision encoder in the step that starts its prefill. Step time comes from
 * {@link StepCostModel} x slowdown. Not thread-safe: one thread drives it.
 */
public final class ContinuousBatchingEngine {
  private final ServingConfig serving;
  private final StepCostModel cost;
  /** llama.cpp (b4916, no flash attention) pads the attended KV range to 32 cells. */
  private static final long SHARED_CACHE_PAD = 32;
  /**
   * With a shared KV cache (llama.cpp): the cells each idle slot still holds, least recently freed first. A
   * finished request's cells stay in its slot until the slot takes a new request (llama.cpp clears a slot's
   * cache when it starts the next task), and every token attends over all of them.
   */
  private final ArrayDeque<Long> idleSlotCells = new ArrayDeque<>();
  private final double slowdown;
  private final boolean instant;
  private final KvBlockPool pool;
  private final PrefixCache cache;
  private final ArrayDeque<EngineRequest> waiting = new ArrayDeque<>();
  private final ArrayList<EngineRequest> running = new ArrayList<>();
  private long steps;
  private long preemptions;

  /**
   * @param slowdown multiplies every step time (1.0 = as modelled)
   * @param instant  steps take no time (the {@code instant} profile)
   */
  public ContinuousBatchingEngine(ServingConfig serving, StepCostModel cost, long kvBlocks, double slowdown, boolean instant) {
    if (!(slowdown > 0)) {
      throw new IllegalArgumentException("slowdown must be > 0, got " + slowdown);
    }
    this.serving = serving;
    this.cost = cost;
    if (cost.sharedKvCache()) {
      for (int i = 0; i < serving.maxNumSeqs(); i++) {
        idleSlotCells.addLast(0L);
      }
    }
    this.slowdown = slowdown;
    this.instant = instant;
    this.pool = new KvBlockPool(kvBlocks, serving.blockSize());
    this.cache = serving.enablePrefixCaching() ? new PrefixCache(pool) : null;
  }

  /** Queues a request at the tail of the waiting queue. */
  public void add(EngineRequest r) {
    if (r.promptTokens() + r.outputTokens() > serving.maxModelLen() + 1) {
      throw new IllegalArgumentException("request " + r.id() + ": prompt " + r.promptTokens() + " + output "
          + r.outputTokens() + " exceeds max_model_len " + serving.maxModelLen());
    }
    if (cache != null) {
      r.blockHashes = PrefixHashes.of(r.prefixSegments(), serving.blockSize());
    }
    waiting.addLast(r);
  }

  /** Removes a request wherever it is (client went away); frees its KV blocks. */
  public void abort(EngineRequest r) {
    if (r.finished || r.aborted) {
      return;
    }
    r.aborted = true;
    if (r.running) {
      running.remove(r);
      r.running = false;
    } else {
      waiting.remove(r);
    }
    releaseBlocks(r);
  }

  public boolean hasWork() {
    return !running.isEmpty() || !waiting.isEmpty();
  }

  /** Plans and commits one step; its tokens count as sampled at the step's end. */
  public EngineStep step() {
    int budget = serving.maxNumBatchedTokens();
    List<EngineRequest> scheduled = new ArrayList<>();
    int preemptedNow = 0;

    for (int i = 0; i < running.size() && budget > 0; i++) {
      EngineRequest r = running.get(i);
      int n = Math.min(r.pending(), budget);
      boolean placed = false;
      while (true) {
        int extra = pool.blocksFor((long) r.computed + n) - r.blocks - r.held.size();
        if (allocate(extra)) {
          r.blocks += extra;
          placed = true;
          break;
        }
        EngineRequest victim = running.remove(running.size() - 1);
        if (victim.scheduledThisStep > 0) {
          budget += victim.scheduledThisStep;
          scheduled.remove(victim);
          victim.scheduledThisStep = 0;
        }
        preempt(victim);
        preemptedNow++;
        if (victim == r) {
          break;
        }
      }
      if (!placed) {
        break;
      }
      r.scheduledThisStep = n;
      scheduled.add(r);
      budget -= n;
    }

    if (preemptedNow == 0) {
      while (!waiting.isEmpty() && budget > 0 && running.size() < serving.maxNumSeqs()) {
        EngineRequest r = waiting.peekFirst();
        int hits = reuseCachedPrefix(r);
        int n = Math.min(r.pending(), budget);
        int need = pool.blocksFor((long) r.computed + n) - r.blocks - r.held.size();
        if (!allocate(need)) {
          releaseBlocks(r);
          r.computed = 0;
          break;
        }
        if (cache != null) {
          cache.count(r.promptTokens(), hits);
        }
        waiting.pollFirst();
        if (r.admittedStep < 0) {
          r.admittedStep = steps;
        }
        r.blocks += need;
        r.running = true;
        running.add(r);
        if (!idleSlotCells.isEmpty()) {
          idleSlotCells.pollFirst(); // the slot it takes drops its previous request's cells
        }
        r.scheduledThisStep = n;
        scheduled.add(r);
        budget -= n;
      }
    }
    return commit(scheduled, preemptedNow);
  }

  /**
   * A request leaving the waiting queue with nothing computed takes the longest cached run of its
   * prompt blocks (vLLM's get_computed_blocks): those tokens count as computed. Returns the blocks reused.
   */
  private int reuseCachedPrefix(EngineRequest r) {
    if (cache == null || r.computed > 0 || r.blockHashes.length == 0) {
      return 0;
    }
    int hits = cache.lookup(r.blockHashes, (r.promptTokens() - 1) / serving.blockSize());
    for (int i = 0; i < hits; i++) {
      r.held.add(cache.acquire(r.blockHashes[i]));
    }
    r.computed = hits * serving.blockSize();
    r.registered = hits;
    r.cachedTokens = r.computed;
    return hits;
  }

  /** Takes {@code blocks} free blocks, evicting unreferenced cached blocks first if needed. */
  private boolean allocate(int blocks) {
    if (blocks <= 0) {
      return true;
    }
    if (cache != null && pool.freeBlocks() < blocks) {
      cache.evict(blocks - pool.freeBlocks());
    }
    return pool.tryAllocate(blocks);
  }

  /** Returns a request's private blocks to the pool and drops its references on cached ones. */
  private void releaseBlocks(EngineRequest r) {
    pool.release(r.blocks);
    r.blocks = 0;
    for (PrefixCache.Block b : r.held) {
      cache.release(b);
    }
    r.held.clear();
    r.registered = 0;
  }

  /** Caches the prompt blocks a request has just filled, so later requests with the same prefix reuse them. */
  private void registerFullBlocks(EngineRequest r) {
    int full = Math.min(Math.min(r.computed, r.promptTokens()) / serving.blockSize(), r.blockHashes.length);
    for (; r.registered < full; r.registered++) {
      PrefixCache.Block b = cache.register(r.blockHashes[r.registered]);
      if (b != null) {
        r.blocks--;
        r.held.add(b);
      }
    }
  }

  private void preempt(EngineRequest victim) {
    releaseBlocks(victim);
    victim.computed = 0;
    victim.encoded = false; // the encoder cache entry is gone with it; re-encode on resume
    victim.running = false;
    victim.preemptions++;
    preemptions++;
    waiting.addFirst(victim);
  }

  private EngineStep commit(List<EngineRequest> scheduled, int preemptedNow) {
    long cells = cost.sharedKvCache() ? sharedCacheCells() : 0; // before the step's finished requests leave their slots
    StepWork work = StepWork.EMPTY;
    List<Emission> emissions = new ArrayList<>(scheduled.size());
    for (EngineRequest r : scheduled) {
      int n = r.scheduledThisStep;
      r.scheduledThisStep = 0;
      boolean samples = r.computed + n == r.promptTokens() + r.generated;
      if (r.generated > 0 && r.computed == r.promptTokens() + r.generated - 1) {
        work = work.plus(StepWork.decode(r.computed));
      } else {
        work = work.plus(StepWork.prefill(r.computed, n, samples));
      }
      if (!r.encoded && r.imagePatches() > 0) {
        work = work.plus(new StepWork(0, 0, 0, 0, r.imagePatches(), r.imagePatchesSquared()));
        r.encoded = true;
      }
      r.computed += n;
      if (cache != null) {
        registerFullBlocks(r);
      }
      if (samples) {
        int index = r.generated++;
        boolean last = r.generated >= r.outputTokens();
        emissions.add(new Emission(r, index, last));
        if (last) {
          finish(r);
        }
      }
    }
    steps++;
    if (cost.sharedKvCache() && work.tokens() > 0) {
      work = work.overSharedCache(-Math.floorDiv(-cells, SHARED_CACHE_PAD) * SHARED_CACHE_PAD);
    }
    double seconds = instant ? 0 : cost.seconds(work) * slowdown;
    return new EngineStep(seconds, emissions, work, preemptedNow, running.size(), waiting.size(), kvUsage());
  }

  /** A shared cache's used cells after this step: running sequences and idle slots' leftovers. */
  private long sharedCacheCells() {
    long cells = 0;
    for (EngineRequest r : running) {
      cells += r.computed + r.scheduledThisStep;
    }
    for (long idle : idleSlotCells) {
      cells += idle;
    }
    return cells;
  }

  private void finish(EngineRequest r) {
    if (cost.sharedKvCache()) {
      idleSlotCells.addLast((long) r.computed);
    }
    r.finished = true;
    r.running = false;
    running.remove(r);
    releaseBlocks(r);
  }

  /** vLLM's {@code kv_cache_usage_perc}: blocks in use, cached-but-unreferenced blocks counting as free. */
  public double kvUsage() {
    long total = pool.totalBlocks();
    long free = pool.freeBlocks() + (cache == null ? 0 : cache.evictableBlocks());
    return total == 0 ? 0 : 1.0 - (double) free / total;
  }

  /** {@code vllm:prefix_cache_queries}: prompt tokens looked up in the prefix cache (0 when disabled). */
  public long prefixCacheQueries() {
    return cache == null ? 0 : cache.queries();
  }

  /** {@code vllm:prefix_cache_hits}: prompt tokens found in the prefix cache. */
  public long prefixCacheHits() {
    return cache == null ? 0 : cache.hits();
  }

  public int runningCount() {
    return running.size();
  }

  public int waitingCount() {
    return waiting.size();
  }

  public KvBlockPool kvPool() {
    return pool;
  }

  public long steps() {
    return steps;
  }

  public long preemptions() {
    return preemptions;
  }
}
