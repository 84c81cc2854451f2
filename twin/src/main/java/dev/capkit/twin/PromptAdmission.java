package dev.capkit.twin;

import dev.capkit.twin.answers.Answer;
import dev.capkit.twin.answers.AnswerGenerator;
import dev.capkit.twin.answers.AnswerLength;
import dev.capkit.twin.engine.EngineRequest;
import dev.capkit.twin.engine.PromptSegment;
import dev.capkit.twin.physics.ImageTokenRule;
import java.util.List;

/**
 * Turns a request's shape (text tokens, image sizes, {@code max_tokens}) into an engine request and
 * the answer it will stream, applying vLLM's validation: too many images, prompt at or over
 * {@code max_model_len}, or {@code prompt + max_tokens} over it are refused with a message naming
 * the parameter. Shared by the HTTP server and {@link VirtualRun} so both see identical requests.
 */
public final class PromptAdmission {
  private final ServingPlan plan;
  private final ImageTokenRule imageRule;
  private final AnswerGenerator answers;
  /** Answers for requests that carry {@code ignore_eos}: always their {@code max_tokens} cap. */
  private final AnswerGenerator filled;
  private final boolean withText;

  /** Admission for a server: answers carry their text. */
  public PromptAdmission(ServingPlan plan, long seed) {
    this(plan, seed, true);
  }

  private PromptAdmission(ServingPlan plan, long seed, boolean withText) {
    this.plan = plan;
    this.imageRule = plan.imageRule();
    this.answers = new AnswerGenerator(seed, plan.answers());
    this.filled = new AnswerGenerator(seed, AnswerLength.FILL_MAX_TOKENS);
    this.withText = withText;
  }

  /** Admission for virtual time: the same requests and answer lengths, answers without text. */
  public static PromptAdmission lengthsOnly(ServingPlan plan, long seed) {
    return new PromptAdmission(plan, seed, false);
  }

  /** Width and height of one image in pixels. */
  public record ImageSize(int width, int height) {}

  /**
   * One piece of the prompt in order, for prefix caching: text ({@code image} null, {@code tokens}
   * its estimated tokens) or an image ({@code image} set, tokens computed here by the image rule).
   * {@code key} is its content identity (e.g. a hash of the text or of the image bytes).
   */
  public record PromptPart(String key, int tokens, ImageSize image) {
    public static PromptPart text(String key, int tokens) {
      return new PromptPart(key, tokens, null);
    }

    public static PromptPart image(String key, ImageSize image) {
      return new PromptPart(key, 0, image);
    }
  }

  /** A request that passed validation. */
  public record Admitted(EngineRequest request, Answer answer, int promptTokens) {}

  /** A request vLLM would answer with 400; {@code param} names the offending request field. */
  public static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final String param;

    public Refusal(String param, String message) {
      super(message);
      this.param = param;
    }

    public String param() {
      return param;
    }
  }

  /**
   * @param key         stable request key (X-Capkit-Plan-Key, else X-Request-Id, else arrival number): seeds the answer
   * @param textTokens  prompt text tokens including chat-template tokens
   * @param maxTokens   requested max_tokens, or null for "up to max_model_len"
   * @param attachment  the driver's handle (a TokenSink in real time)
   */
  public Admitted admit(String key, int textTokens, long promptChars, List<ImageSize> images, Integer maxTokens,
      Object attachment) throws Refusal {
    return admit(key, textTokens, promptChars, images, maxTokens, attachment, List.of());
  }

  /**
   * @param parts the prompt in order for prefix caching (text and image pieces with content keys);
   *              empty = the prompt shares nothing with other requests
   */
  public Admitted admit(String key, int textTokens, long promptChars, List<ImageSize> images, Integer maxTokens,
      Object attachment, List<PromptPart> parts) throws Refusal {
    return admit(key, textTokens, promptChars, images, maxTokens, attachment, parts, false);
  }

  /**
   * @param ignoreEos the request's {@code ignore_eos} (vLLM's sampling parameter): the answer runs to its cap
   *                  ({@code max_tokens}, else {@code max_model_len} minus the prompt), whatever the plan's answer lengths
   */
  public Admitted admit(String key, int textTokens, long promptChars, List<ImageSize> images, Integer maxTokens,
      Object attachment, List<PromptPart> parts, boolean ignoreEos) throws Refusal {
    int limit = plan.serving().maxImagesPerPrompt();
    if (images.size() > limit) {
      throw new Refusal("messages", "At most " + limit + " image(s) may be provided in one prompt, got " + images.size());
    }
    int prompt = Math.max(1, textTokens);
    long patches = 0;
    double patchesSquared = 0;
    long pixels = 0;
    for (ImageSize image : images) {
      ImageTokenRule.ImageTokens t;
      try {
        t = imageRule.tokens(image.width(), image.height());
      } catch (IllegalArgumentException e) {
        throw new Refusal("messages", "invalid image: " + e.getMessage());
      }
      prompt += t.tokens();
      patches += t.patches();
      patchesSquared += (double) t.patches() * t.patches();
      pixels += (long) image.width() * image.height();
    }
    int maxLen = plan.serving().maxModelLen();
    if (prompt >= maxLen) {
      throw new Refusal("messages", "This model's maximum context length is " + maxLen + " tokens. However, your request has "
          + prompt + " input tokens. Please reduce the length of the input messages.");
    }
    if (maxTokens != null && maxTokens < 1) {
      throw new Refusal("max_tokens", "max_tokens must be at least 1, got " + maxTokens);
    }
    if (maxTokens != null && prompt + maxTokens > maxLen) {
      throw new Refusal("max_tokens", "'max_tokens' is too large: " + maxTokens + ". This model's maximum context length is "
          + maxLen + " tokens and your request has " + prompt + " input tokens (" + maxTokens + " > " + maxLen + " - " + prompt + ").");
    }
    int cap = maxTokens != null ? maxTokens : maxLen - prompt;
    AnswerGenerator generator = ignoreEos ? filled : answers;
    Answer answer = withText ? generator.answer(key, !images.isEmpty(), cap) : generator.length(key, !images.isEmpty(), cap);
    List<PromptSegment> segments = new java.util.ArrayList<>(parts.size());
    for (PromptPart p : parts) {
      int tokens = p.tokens();
      if (p.image() != null) {
        try {
          tokens = imageRule.tokens(p.image().width(), p.image().height()).tokens();
        } catch (IllegalArgumentException e) {
          throw new Refusal("messages", "invalid image: " + e.getMessage());
        }
      }
      segments.add(new PromptSegment(p.key(), tokens));
    }
    EngineRequest request = new EngineRequest(key, prompt, images.size(), patches, patchesSquared, answer.tokens(),
        promptChars, pixels, attachment, segments);
    return new Admitted(request, answer, prompt);
  }
}
