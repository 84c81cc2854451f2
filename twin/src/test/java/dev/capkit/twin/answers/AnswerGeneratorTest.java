package dev.capkit.twin.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Length-only answers (virtual time) are the text answers (server) without their text. */
class AnswerGeneratorTest {

  @Test
  void lengthOnlyAnswersHaveTheTextAnswersLengthAndFinishReason() {
    for (AnswerLength mode : AnswerLength.values()) {
      AnswerGenerator g = new AnswerGenerator(42, mode);
      int cut = 0;
      for (int i = 0; i < 2_000; i++) {
        boolean phone = i % 3 != 0;
        int max = i % 5 == 0 ? 1 + i % 97 : 3000; // every fifth request capped, often below the drawn length
        Answer text = g.answer("req-" + i, phone, max);
        Answer length = g.length("req-" + i, phone, max);
        assertEquals(text.tokens(), length.tokens(), mode + " req-" + i);
        assertEquals(text.finishReason(), length.finishReason(), mode + " req-" + i);
        assertEquals(text.tokens(), text.pieces().size());
        cut += text.finishReason().equals("length") ? 1 : 0;
      }
      assertTrue(cut > 0, "some answers cut at max_tokens (" + mode + ")");
    }
  }

  @Test
  void phoneStepAnswersEndInAnActionAndStartWithoutSpace() {
    Answer a = new AnswerGenerator(7).answer("step-1", true, 3000);
    assertTrue(a.text().contains("\ndo(action=\""), a.text());
    assertFalse(Character.isWhitespace(a.text().charAt(0)), a.text());
  }

  @Test
  void aLengthOnlyAnswerRefusesToGiveText() {
    Answer a = new AnswerGenerator(7).length("step-1", true, 3000);
    assertThrows(IllegalStateException.class, a::pieces);
  }
}
