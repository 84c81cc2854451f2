package dev.capkit.twin.answers;

import java.util.Locale;

/**
 * How long the served model's answers are, i.e. how many tokens a request's decode phase runs.
 *
 * <ul>
 *   <li>{@link #MODEL} ({@code model}): the emulator's estimate of a real model: log-normal lengths
 *       (phone-agent thought ~40 tokens median, chat ~120), capped at {@code max_tokens}; most answers
 *       end by themselves ({@code finish_reason stop}).</li>
 *   <li>{@link #FILL_MAX_TOKENS} ({@code fill-max-tokens}): every answer is exactly {@code max_tokens}
 *       long (or runs to {@code max_model_len} when the request sets none), {@code finish_reason length}.
 *       This is what capkit's generated llama.cpp model does by construction of its weights, and what
 *       vLLM does with {@code ignore_eos}.</li>
 * </ul>
 * A calibration profile names the one its engine follows ({@code "answers"}), and a
 * {@link dev.capkit.twin.ServingPlan} carries it ({@code plan.withAnswers(...)}).
 */
public enum AnswerLength {
  MODEL,
  FILL_MAX_TOKENS;

  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code model} or {@code fill-max-tokens}; anything else is refused naming both. */
  public static AnswerLength parse(String text) {
    for (AnswerLength a : values()) {
      if (a.key().equals(text == null ? null : text.trim())) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown answer length '" + text + "' (expected model or fill-max-tokens)");
  }
}
