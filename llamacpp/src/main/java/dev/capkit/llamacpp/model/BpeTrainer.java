package dev.capkit.llamacpp.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Trains a byte-level BPE vocabulary on a text (Sennrich et al.'s algorithm over GPT-2's
 * pre-tokenized words): start from the 256 bytes, repeatedly merge the most frequent adjacent pair
 * of symbols (ties: the pair whose left, then right, id is lowest), until the vocabulary reaches
 * its target size or no pair occurs twice. Deterministic: the same text and size give the same
 * vocabulary.
 *
 * <pre>{@code
 * BpeVocabulary v = new BpeTrainer(4096).train(corpusText);
 * }</pre>
 */
public final class BpeTrainer {
  private static final List<String> CONTROL =
      List.of(BpeVocabulary.END_OF_TEXT, BpeVocabulary.IM_START, BpeVocabulary.IM_END);

  private final int targetSize;

  /** @param targetSize vocabulary size including the 256 bytes and 3 control tokens (at least 260) */
  public BpeTrainer(int targetSize) {
    if (targetSize < 256 + CONTROL.size() + 1) {
      throw new IllegalArgumentException("vocabulary size must be >= 260, got " + targetSize);
    }
    this.targetSize = targetSize;
  }

  public BpeVocabulary train(String text) {
    Map<String, Integer> wordCounts = new LinkedHashMap<>();
    for (String w : ByteLevel.words(text)) {
      wordCounts.merge(ByteLevel.encode(w), 1, Integer::sum);
    }
    List<String> tokens = new ArrayList<>();
    Map<Character, Integer> byteIds = new HashMap<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(String.valueOf(ByteLevel.charOf(b)));
      byteIds.put(ByteLevel.charOf(b), b);
    }
    int n = wordCounts.size();
    int[][] words = new int[n][];
    int[] lengths = new int[n];
    int[] freq = new int[n];
    Map<Long, Integer> pairCounts = new HashMap<>();
    Map<Long, Set<Integer>> pairWords = new HashMap<>();
    int i = 0;
    for (var e : wordCounts.entrySet()) {
      String w = e.getKey();
      words[i] = new int[w.length()];
      for (int k = 0; k < w.length(); k++) {
        words[i][k] = byteIds.get(w.charAt(k));
      }
      lengths[i] = w.length();
      freq[i] = e.getValue();
      count(words[i], lengths[i], freq[i], i, pairCounts, pairWords, null);
      i++;
    }
    // Max-heap of (count, pair) with lazy deletion: an entry is current while its count matches.
    PriorityQueue<long[]> heap = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0])
        : Long.compareUnsigned(a[1], b[1]));
    pairCounts.forEach((p, c) -> heap.add(new long[] {c, p}));
    List<String> merges = new ArrayList<>();
    int mergesWanted = targetSize - 256 - CONTROL.size();
    while (merges.size() < mergesWanted && !heap.isEmpty()) {
      long[] top = heap.poll();
      long best = top[1];
      if (pairCounts.getOrDefault(best, 0) != top[0]) {
        continue; // stale
      }
      if (top[0] < 2) {
        break;
      }
      int left = (int) (best >>> 32);
      int right = (int) best;
      int id = tokens.size();
      tokens.add(tokens.get(left) + tokens.get(right));
      merges.add(tokens.get(left) + " " + tokens.get(right));
      Set<Long> touched = new HashSet<>();
      for (int w : new ArrayList<>(pairWords.getOrDefault(best, Set.of()))) {
        count(words[w], lengths[w], -freq[w], w, pairCounts, null, touched);
        lengths[w] = merge(words[w], lengths[w], left, right, id);
        count(words[w], lengths[w], freq[w], w, pairCounts, pairWords, touched);
      }
      pairWords.remove(best);
      for (long p : touched) {
        Integer c = pairCounts.get(p);
        if (c != null) {
          heap.add(new long[] {c, p});
        }
      }
    }
    tokens.addAll(CONTROL);
    int[] types = new int[tokens.size()];
    for (int t = 0; t < types.length; t++) {
      types[t] = t < types.length - CONTROL.size() ? BpeVocabulary.TYPE_NORMAL : BpeVocabulary.TYPE_CONTROL;
    }
    return new BpeVocabulary(tokens, types, merges);
  }

  private static long pair(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFF_FFFFL);
  }

  private static void count(int[] word, int length, int delta, int index, Map<Long, Integer> pairCounts,
      Map<Long, Set<Integer>> pairWords, Set<Long> touched) {
    for (int k = 0; k + 1 < length; k++) {
      long p = pair(word[k], word[k + 1]);
      if (touched != null) {
        touched.add(p);
      }
      int c = pairCounts.merge(p, delta, Integer::sum);
      if (c == 0) {
        pairCounts.remove(p);
      }
      if (pairWords != null) {
        pairWords.computeIfAbsent(p, x -> new HashSet<>()).add(index);
      }
    }
  }

  private static int merge(int[] word, int length, int left, int right, int id) {
    int out = 0;
    for (int k = 0; k < length; k++) {
      if (k + 1 < length && word[k] == left && word[k + 1] == right) {
        word[out++] = id;
        k++;
      } else {
        word[out++] = word[k];
      }
    }
    return out;
  }
}
