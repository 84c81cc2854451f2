package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.twin.answers.Answer;
import dev.capkit.twin.answers.AnswerGenerator;
import dev.capkit.twin.answers.AnswerLength;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "answers fill max_tokens" option: every answer exactly max_tokens, through admission and the virtual run. */
class AnswerLengthTest {
  private static final Catalog CATALOG = Catalog.load(null);

  private static ServingPlan a100() throws ServingRefusedException {
    return ServingPlan.resolve(CATALOG, "gn7e-c16g1.4xlarge", "autoglm-phone-9b", Dtype.BF16, 0);
  }

  @Test
  void fillMaxTokensWritesExactlyMaxTokensWithFinishReasonLength() {
    AnswerGenerator fill = new AnswerGenerator(42, AnswerLength.FILL_MAX_TOKENS);
    for (int max : new int[] {1, 2, 64, 3000}) {
      Answer a = fill.answer("r-" + max, max % 2 == 0, max);
      assertEquals(max, a.tokens(), "max_tokens " + max);
      assertEquals("length", a.finishReason());
    }
  }

  @Test
  void virtualRunWithFillMaxTokensCompletesEachRequestAtItsMaxTokens() throws Exception {
    ServingPlan plan = a100().withAnswers(AnswerLength.FILL_MAX_TOKENS);
    List<Arrival> arrivals = List.of(
        new Arrival(0.0, "a", "chat", 100, 0, 0, 7, true),
        new Arrival(0.1, "b", "chat", 300, 0, 0, 64, true),
        new Arrival(0.2, "c", "chat", 50, 0, 0, 3000, false),
        new Arrival(0.3, "d", "chat", 1000, 0, 0, null, false));
    List<RequestRecord> records = new VirtualRun(plan, 7, 1.0, Profile.PHYSICS, 256).run(arrivals, 0);
    records.forEach(r -> assertEquals(Outcome.OK, r.outcome(), r.error()));
    assertEquals(7, records.get(0).completionTokens());
    assertEquals(6, records.get(0).itlNanos().length, "one ITL gap per token after the first");
    assertEquals(64, records.get(1).completionTokens());
    assertEquals(3000, records.get(2).completionTokens());
    // no max_tokens: the answer runs to max_model_len (25,480) minus the prompt
    assertEquals(plan.serving().maxModelLen() - 1000, records.get(3).completionTokens());
    assertTrue(plan.summary().contains("answers fill-max-tokens"), plan.summary());
  }

  @Test
  void defaultModelLengthsEndBeforeALargeMaxTokens() throws Exception {
    ServingPlan plan = a100();
    assertEquals(AnswerLength.MODEL, plan.answers());
    List<Arrival> arrivals = List.of(new Arrival(0.0, "a", "chat", 100, 0, 0, 3000, true),
        new Arrival(0.0, "b", "chat", 100, 0, 0, 3000, true));
    for (RequestRecord r : new VirtualRun(plan, 7, 1.0, Profile.PHYSICS, 256).run(arrivals, 0)) {
      assertTrue(r.completionTokens() < 3000, "the model's own length (~120 median), got " + r.completionTokens());
    }
  }

  @Test
  void parsesItsTwoNamesAndRefusesOthers() {
    assertEquals(AnswerLength.FILL_MAX_TOKENS, AnswerLength.parse("fill-max-tokens"));
    assertEquals(AnswerLength.MODEL, AnswerLength.parse("model"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AnswerLength.parse("fill"));
    assertTrue(e.getMessage().contains("'fill'") && e.getMessage().contains("fill-max-tokens"), e.getMessage());
  }
}
