package dev.capkit.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Text-only chat completions with a prompt of about N tokens, streamed or not: the second request
 * kind of the mix and the way to probe prefill/decode without the vision encoder.
 *
 * <p>Prompts are windows into one generated English text; a window's length in characters is the
 * requested tokens times {@code charsPerToken}: 4 by default (the usual rule of thumb for BPE
 * tokenizers on English, an estimate), or what the target's own tokenizer counted on this text
 * ({@link PromptTokenizer}). The window start moves with {@code seed} so that consecutive requests
 * do not share a prefix a server's prefix cache could reuse.
 * {@code ignoreEos} adds vLLM's {@code "ignore_eos": true} so the output length follows
 * {@code max_tokens}, as vLLM's own benchmark does for synthetic prompts; leave it off for servers
 * that reject unknown fields.
 *
 * <pre>{@code
 * var text = new TextChatRequests("text-chat", "autoglm-phone-9b", true, false);
 * ChatRequest r = text.request(1200, 256, 7L);  // ~1,200 prompt tokens, at most 256 out
 * }</pre>
 * Thread-safe once constructed.
 */
public final class TextChatRequests {

  /** Characters per token assumed for English text. */
  public static final int CHARS_PER_TOKEN = 4;
  /** Longest prompt offered, in approximate tokens. */
  public static final int MAX_PROMPT_TOKENS = 32_768;

  static final String[] WORDS = (
      "the phone screen shows a list of settings with a search box at the top and a back arrow "
      + "on the left tap the second row to open network options then swipe up to reveal more entries "
      + "battery usage display brightness notifications sound vibration wallpaper lock screen privacy "
      + "location permissions storage apps default browser keyboard language region date time backup "
      + "reset about phone model number software version build security update available install now "
      + "message chat contact group call video photo album camera gallery share send reply forward "
      + "order cart checkout payment address delivery coupon discount price quantity size color store "
      + "map route drive walk transit bike station airport hotel ticket train flight seat passenger "
      + "calendar event reminder alarm weekday morning evening tomorrow today next week meeting note "
      + "please describe what the user should do next and explain briefly why that step is needed").split(" ");

  // Long enough for the longest prompt at the most characters per token accepted (8), twice over.
  private static final int ESTIMATE_SPAN = 2 * MAX_PROMPT_TOKENS * CHARS_PER_TOKEN;
  private static final byte[] CORPUS = corpus(2 * MAX_PROMPT_TOKENS * 8, 20_250_614L);

  private final String kind;
  private final boolean stream;
  private final double charsPerToken;
  private final byte[] corpus; // ASCII text, words separated by single spaces
  private final byte[] head;
  private final byte[] middleBeforeMaxTokens;
  private final byte[] tail;

  /** Prompts sized at {@link #CHARS_PER_TOKEN} characters per token (an estimate). */
  public TextChatRequests(String kind, String model, boolean stream, boolean ignoreEos) {
    this(kind, model, stream, ignoreEos, CHARS_PER_TOKEN);
  }

  /** Prompts sized at {@code charsPerToken} characters per token (as the target's tokenizer counted, 1..8). */
  public TextChatRequests(String kind, String model, boolean stream, boolean ignoreEos, double charsPerToken) {
    this.kind = Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(model, "model");
    if (!(charsPerToken >= 1 && charsPerToken <= 8)) {
      throw new IllegalArgumentException("charsPerToken must be in [1, 8], got " + charsPerToken);
    }
    this.stream = stream;
    this.charsPerToken = charsPerToken;
    this.corpus = CORPUS;
    this.head = new JsonSegments.Builder()
        .raw("{\"model\":").quoted(model)
        .raw(",\"messages\":[{\"role\":\"user\",\"content\":\"")
        .build();
    this.middleBeforeMaxTokens = JsonSegments.raw("\"}],\"max_tokens\":");
    this.tail = JsonSegments.raw(",\"temperature\":0.0"
        + (ignoreEos ? ",\"ignore_eos\":true" : "")
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : ",\"stream\":false}"));
  }

  /** A request with about {@code promptTokens} prompt tokens and at most {@code maxTokens} output tokens. */
  public ChatRequest request(int promptTokens, int maxTokens, long seed) {
    if (promptTokens < 1 || promptTokens > MAX_PROMPT_TOKENS) {
      throw new IllegalArgumentException("promptTokens must be 1.." + MAX_PROMPT_TOKENS + ", got " + promptTokens);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
    int chars = (int) Math.round(promptTokens * charsPerToken);
    // Windows start within the first 4-chars-per-token corpus length as before the corpus grew (the
    // text is the same there), so prompts at the default estimate are unchanged.
    long span = chars < ESTIMATE_SPAN - 1 ? ESTIMATE_SPAN : corpus.length;
    int start = (int) Math.floorMod(seed * 7_919L, span - chars - 1);
    while (start > 0 && corpus[start - 1] != ' ') {
      start--; // begin on a word boundary
    }
    byte[] maxTokensBytes = Integer.toString(maxTokens).getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[head.length + chars + middleBeforeMaxTokens.length + maxTokensBytes.length + tail.length];
    int p = 0;
    System.arraycopy(head, 0, body, p, head.length);
    p += head.length;
    System.arraycopy(corpus, start, body, p, chars); // ASCII letters and spaces: nothing to escape
    p += chars;
    System.arraycopy(middleBeforeMaxTokens, 0, body, p, middleBeforeMaxTokens.length);
    p += middleBeforeMaxTokens.length;
    System.arraycopy(maxTokensBytes, 0, body, p, maxTokensBytes.length);
    p += maxTokensBytes.length;
    System.arraycopy(tail, 0, body, p, tail.length);
    return new ChatRequest(kind, stream, body, 0, chars);
  }

  /** The first {@code chars} characters of the prompt text: what {@link PromptTokenizer} has the target count. */
  public static String sample(int chars) {
    return new String(CORPUS, 0, Math.min(chars, CORPUS.length), StandardCharsets.US_ASCII);
  }

  private static byte[] corpus(int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder(length + 32);
    while (text.length() < length) {
      text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
