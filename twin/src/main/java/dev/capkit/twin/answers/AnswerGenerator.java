package dev.capkit.twin.answers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded stand-in for the model's output. For a phone-agent step (the request carries a screenshot)
 * it writes a short thought then one action in Open-AutoGLM's syntax, e.g.
 * {@code The search box is at the top, tap it to type the query.\ndo(action="Tap", element=[512,88])};
 * for plain chat, prose. Lengths are drawn from log-normal distributions (estimates: phone-agent
 * thoughts of ~40 tokens median, chat answers of ~120) and capped at {@code maxTokens}.
 *
 * <p>The same (seed, request key) always gives the same answer, whatever the arrival order, so a
 * real-time and a virtual-time run of the same requests produce the same token counts.
 *
 * <pre>{@code
 * Answer a = new AnswerGenerator(42).answer("req-7", true, 3000); // ~50 tokens, finish_reason "stop"
 * Answer b = new AnswerGenerator(42, AnswerLength.FILL_MAX_TOKENS).answer("req-7", false, 64); // 64 tokens, "length"
 * }</pre>
 */
public final class AnswerGenerator {
  private static final String[] WORDS = {
      " the", " screen", " shows", " a", " list", " of", " settings", " search", " box", " at", " top",
      " I", " need", " to", " open", " tap", " button", " then", " scroll", " down", " find", " option",
      " page", " loaded", " app", " home", " icon", " message", " send", " confirm", " next", " step",
      " is", " visible", " on", " right", " left", " bottom", " menu", " cart", " order", " price", "."};
  private static final String[] FIRST_WORDS = Arrays.stream(WORDS).map(String::strip).toArray(String[]::new);
  private static final String[] ACTIONS = {"Tap", "Tap", "Tap", "Swipe", "Type", "Back", "Launch", "Long Press"};

  /** Median and log-sd of a phone-agent thought in tokens (estimate: short reasoning before one action). */
  static final double THOUGHT_MEDIAN = 40;
  static final double THOUGHT_SIGMA = 0.5;
  /** Median and log-sd of a plain chat answer in tokens (estimate). */
  static final double CHAT_MEDIAN = 120;
  static final double CHAT_SIGMA = 0.7;

  private final long seed;
  private final AnswerLength length;

  /** Answers of the model's own (estimated) lengths. */
  public AnswerGenerator(long seed) {
    this(seed, AnswerLength.MODEL);
  }

  /** @param length how long answers are: the model's own lengths, or always {@code maxTokens} */
  public AnswerGenerator(long seed, AnswerLength length) {
    this.seed = seed;
    this.length = length;
  }

  /**
   * @param requestKey stable key of the request (its X-Request-Id, or an arrival id)
   * @param phoneStep  true when the request carries an image
   * @param maxTokens  cap from the request and max_model_len (>= 1)
   */
  public Answer answer(String requestKey, boolean phoneStep, int maxTokens) {
    return generate(requestKey, phoneStep, maxTokens, new Pieces(true));
  }

  /**
   * The same answer as {@link #answer} (same length and finish reason, same random draws) without
   * its text: what virtual time needs, at no allocation per token.
   */
  public Answer length(String requestKey, boolean phoneStep, int maxTokens) {
    return generate(requestKey, phoneStep, maxTokens, new Pieces(false));
  }

  private Answer generate(String requestKey, boolean phoneStep, int maxTokens, Pieces pieces) {
    SplittableRandom rnd = new SplittableRandom(mix(seed, requestKey));
    if (length == AnswerLength.FILL_MAX_TOKENS) {
      appendLastWords(rnd, pieces, maxTokens);
      return pieces.answer(maxTokens, "length");
    }
    if (phoneStep) {
      int thought = (int) Math.max(4, Math.min(400, logNormal(rnd, THOUGHT_MEDIAN, THOUGHT_SIGMA)));
      appendWords(rnd, pieces, thought); // drawn even when only counted: the action is drawn after the words
      appendAction(rnd, pieces);
    } else {
      int length = (int) Math.max(1, Math.min(4000, logNormal(rnd, CHAT_MEDIAN, CHAT_SIGMA)));
      appendLastWords(rnd, pieces, length);
    }
    return pieces.count > maxTokens ? pieces.answer(maxTokens, "length") : pieces.answer(pieces.count, "stop");
  }

  /** The answer's pieces as they are drawn: kept (text wanted) or only counted (virtual time). */
  private static final class Pieces {
    private final List<String> kept;
    private int count;

    Pieces(boolean keep) {
      this.kept = keep ? new ArrayList<>() : null;
    }

    void add(String piece) {
      count++;
      if (kept != null) {
        kept.add(piece);
      }
    }

    Answer answer(int tokens, String finishReason) {
      return kept == null ? Answer.lengthOnly(tokens, finishReason) : Answer.of(kept.subList(0, tokens), finishReason);
    }
  }

  /** Words that end the answer: nothing is drawn after them, so a count-only answer skips their draws. */
  private static void appendLastWords(SplittableRandom rnd, Pieces pieces, int count) {
    if (pieces.kept == null) {
      pieces.count += count;
    } else {
      appendWords(rnd, pieces, count);
    }
  }

  private static void appendWords(SplittableRandom rnd, Pieces pieces, int count) {
    for (int i = 0; i < count; i++) {
      int w = rnd.nextInt(WORDS.length);
      pieces.add(i == 0 ? FIRST_WORDS[w] : WORDS[w]);
    }
  }

  private static void appendAction(SplittableRandom rnd, Pieces pieces) {
    String action = ACTIONS[rnd.nextInt(ACTIONS.length)];
    pieces.add("\ndo");
    pieces.add("(action");
    pieces.add("=\"" + action + "\"");
    switch (action) {
      case "Type" -> {
        pieces.add(", text");
        pieces.add("=\"");
        pieces.add("hello");
        pieces.add("\")");
      }
      case "Back" -> pieces.add(")");
      case "Launch" -> {
        pieces.add(", app");
        pieces.add("=\"Settings\")");
      }
      case "Swipe" -> {
        pieces.add(", start=[" + rnd.nextInt(1000) + "," + rnd.nextInt(1000) + "]");
        pieces.add(", end=[" + rnd.nextInt(1000) + "," + rnd.nextInt(1000) + "])");
      }
      default -> {
        pieces.add(", element");
        pieces.add("=[" + rnd.nextInt(1000));
        pieces.add("," + rnd.nextInt(1000));
        pieces.add("])");
      }
    }
  }

  private static double logNormal(SplittableRandom rnd, double median, double sigma) {
    // Box-Muller from two uniforms: no shared state, so draws depend only on this request's stream.
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return median * Math.exp(sigma * z);
  }

  private static long mix(long seed, String key) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * 0x100000001B3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
