package dev.capkit.llamacpp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {
  @Test
  void mergesTheMostFrequentPairFirstWithinWords() {
    // words: "low" x2, " low" x1, " lower" x1, " newest" x2, " widest" x1 (GPT-2 pre-tokenizer)
    BpeVocabulary v = new BpeTrainer(256 + 3 + 3).train("low low lower newest newest widest");
    // byte-level words: low, Ġlow, Ġlower, Ġnewest x2, Ġwidest. Pairs seen 3 times: l o, o w, w e,
    // e s, s t; ties go to the lowest left id ('e' = 101): "e s". Then "es t" (3) and "l o" (3):
    // "l o" (left 108) before "es t" (left 256).
    assertEquals(List.of("e s", "l o", "es t"), v.merges());
    assertEquals("lo", v.tokens().get(257));
    assertEquals(BpeVocabulary.TYPE_CONTROL, v.types()[v.endOfTextId()]);
    assertEquals(v.size() - 3, v.endOfTextId());
  }

  @Test
  void bytesAreIdsZeroTo255AndWordTokensAreSpaceLetters() {
    BpeVocabulary v = RandomLlamaGguf.defaultVocabulary();
    assertEquals("Ġ", v.tokens().get(' '));
    assertEquals("A", v.tokens().get('A'));
    assertTrue(v.size() > 2_000, "vocabulary of " + v.size());
    int words = 0;
    for (int id = 0; id < v.size(); id++) {
      if (v.isWordToken(id)) {
        words++;
        assertTrue(v.tokens().get(id).matches("Ġ[A-Za-z]+"), v.tokens().get(id));
      }
    }
    assertTrue(words > 500, words + " word tokens");
    assertTrue(!v.isWordToken(v.endOfTextId()));
  }

  @Test
  void deterministic() {
    BpeVocabulary a = RandomLlamaGguf.defaultVocabulary();
    BpeVocabulary b = RandomLlamaGguf.defaultVocabulary();
    assertEquals(a.tokens(), b.tokens());
    assertEquals(a.merges(), b.merges());
    org.junit.jupiter.api.Assertions.assertArrayEquals(a.types(), b.types());
  }
}
