package dev.capkit.twin.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PrefixCache}'s own hash table and eviction list against the plain collections it replaced
 * (a {@code HashMap} of blocks and a {@code LinkedHashMap} in freeing order), under 200,000 random
 * registrations, references, releases and evictions over few enough hashes that probe runs collide,
 * wrap around the table and are shifted back on removal.
 */
class PrefixCacheTableTest {

  @Test
  void behavesLikeAHashMapWithALinkedEvictionOrder() {
    KvBlockPool pool = new KvBlockPool(2_000_000, 16);
    pool.tryAllocate(1_000_000); // the cached blocks' owners hold these
    PrefixCache cache = new PrefixCache(pool);
    Map<Long, PrefixCache.Block> table = new HashMap<>();
    LinkedHashMap<Long, PrefixCache.Block> evictable = new LinkedHashMap<>();
    List<PrefixCache.Block> referenced = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    long released = 0;
    for (int op = 0; op < 200_000; op++) {
      // hashes chosen so that many share a home slot: multiples of 2^40 differ only above the slot bits
      long hash = random.nextInt(3_000) * (random.nextBoolean() ? 1L : 1L << 40);
      switch (random.nextInt(5)) {
        case 0, 1 -> {
          PrefixCache.Block b = cache.register(hash);
          if (table.containsKey(hash)) {
            assertNull(b, "hash " + hash + " is cached already");
          } else {
            assertNotNull(b);
            table.put(hash, b);
            referenced.add(b);
          }
        }
        case 2 -> {
          if (table.containsKey(hash)) {
            PrefixCache.Block b = cache.acquire(hash);
            assertEquals(table.get(hash), b);
            evictable.remove(hash);
            referenced.add(b);
          }
        }
        case 3 -> {
          if (!referenced.isEmpty()) {
            PrefixCache.Block b = referenced.remove(random.nextInt(referenced.size()));
            cache.release(b);
            if (b.refs == 0) {
              evictable.put(b.hash, b);
            }
          }
        }
        default -> {
          int n = random.nextInt(4);
          cache.evict(n);
          Iterator<PrefixCache.Block> it = evictable.values().iterator();
          while (n-- > 0 && it.hasNext()) {
            table.remove(it.next().hash);
            it.remove();
            released++;
          }
        }
      }
      assertEquals(evictable.size(), cache.evictableBlocks(), "evictable blocks after op " + op);
    }
    for (long h = 0; h < 3_000; h++) {
      for (long key : new long[] {h, h << 40}) {
        long[] one = {key};
        assertEquals(table.containsKey(key) ? 1 : 0, cache.lookup(one, 1), "lookup of " + key);
      }
    }
    assertEquals(1_000_000 + released, pool.freeBlocks(), "every evicted block went back to the pool once");
  }
}
