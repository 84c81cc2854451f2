package dev.capkit.planner.search;

import dev.capkit.twin.CapacityPredictions;
import dev.capkit.twin.PromptAdmission.ImageSize;
import dev.capkit.twin.PromptAdmission.PromptPart;
import dev.capkit.twin.physics.TextTokenEstimate;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompt of a phone agent's step as capkit sends it ({@code loadgen}'s {@code PhoneStepRequests},
 * Open-AutoGLM's shape) and as the emulator counts it ({@link TextTokenEstimate}: template tokens per
 * message, text estimated per character), in the pieces the prefix cache matches: the system prompt
 * (shared by every session), the conversation so far (the first user turn with the session's task,
 * then per earlier step the assistant's answer and a screen-info user turn, images stripped), then the
 * newest user turn with the 1080x2400 screenshot and its text, and the generation prompt.
 *
 * <p>The token figures are the means over capkit's 8 built-in tasks per language (the system prompt
 * exactly); {@code VirtualAgentPromptParityTest} (simulations) sends the real requests to the emulator
 * and checks prompt tokens and prefix-cache hits turn by turn against {@link #parts}. Before this
 * record the virtual runner gave a Chinese step 2,250 text tokens with 650 of them cached (the
 * open-loop predictor's {@code 900 x 2.5} estimate) while capkit sends 7,075-7,637, of which the
 * 7,040-token system prompt and the earlier turns are cached: the virtual agents prefilled ~1,600
 * tokens more per step than the emulated ones.
 *
 * <pre>{@code
 * AgentPrompt zh = AgentPrompt.openAutoGlm("zh");
 * List<PromptPart> third = zh.parts("task-7", 2);   // third step of the session "task-7"
 * }</pre>
 *
 * @param systemTokens    the system prompt's text tokens
 * @param firstTurnTokens the first user turn's text (session tag, task, current app)
 * @param laterTurnTokens a later user turn's text ({@code ** Screen Info **} and the app)
 * @param answerTokens    an earlier answer as re-sent ({@code <think>..</think><answer>do(..)</answer>})
 */
public record AgentPrompt(String language, int systemTokens, int firstTurnTokens, int laterTurnTokens, int answerTokens) {
  private static final int MESSAGE = TextTokenEstimate.TOKENS_PER_MESSAGE;

  /** capkit's Open-AutoGLM-shaped steps in {@code zh} or {@code en}; anything else is refused naming the value. */
  public static AgentPrompt openAutoGlm(String language) {
    return switch (language) {
      case "zh" -> new AgentPrompt("zh", 7040, 32, 12, 43);
      case "en" -> new AgentPrompt("en", 677, 30, 11, 36);
      default -> throw new IllegalArgumentException("mix[].language: '" + language + "' is not a phone-step language (en, zh)");
    };
  }

  /** The prompt of step {@code turn} (0-based) of {@code session}, in order, with content keys. */
  public List<PromptPart> parts(String session, int turn) {
    List<PromptPart> parts = new ArrayList<>(4 * turn + 8);
    parts.add(PromptPart.text("tpl:system", MESSAGE));
    parts.add(PromptPart.text("text:open-autoglm-system-prompt-" + language, systemTokens));
    for (int j = 0; j < turn; j++) {
      parts.add(PromptPart.text("tpl:user", MESSAGE));
      parts.add(PromptPart.text("text:" + session + (j == 0 ? ":task" : ":screen-" + j), j == 0 ? firstTurnTokens : laterTurnTokens));
      parts.add(PromptPart.text("tpl:assistant", MESSAGE));
      parts.add(PromptPart.text("text:" + session + ":answer-" + j, answerTokens));
    }
    parts.add(PromptPart.text("tpl:user", MESSAGE));
    parts.add(PromptPart.image("image:" + session + ":screen-" + turn, screen()));
    parts.add(PromptPart.text("text:" + session + (turn == 0 ? ":task" : ":screen-" + turn), turn == 0 ? firstTurnTokens : laterTurnTokens));
    parts.add(PromptPart.text("tpl:generation", TextTokenEstimate.GENERATION_PROMPT_TOKENS));
    return parts;
  }

  /** Text tokens of step {@code turn} (template tokens included, the screenshot's image tokens not). */
  public int textTokens(int turn) {
    int total = 0;
    for (PromptPart p : parts("", turn)) {
      total += p.image() == null ? p.tokens() : 0;
    }
    return total;
  }

  /** The screenshot every step carries (1080x2400). */
  public static ImageSize screen() {
    return new ImageSize(CapacityPredictions.SCREEN_WIDTH, CapacityPredictions.SCREEN_HEIGHT);
  }
}
