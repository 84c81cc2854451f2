package dev.capkit.twin.physics;

/**
 * Prompt text tokens without the real tokenizer: one token per CJK / kana / hangul / full-width
 * character (GLM's 151k vocabulary mostly encodes common Chinese characters as single tokens), one
 * per 4 ASCII characters (the usual English BPE ratio), one per 2 other non-ASCII characters. A
 * chat template adds {@value #TOKENS_PER_MESSAGE} tokens per message (role markers) and
 * {@value #GENERATION_PROMPT_TOKENS} for the assistant prompt. It is an approximation within roughly
 * +-20% for English and Chinese prose; image tokens come from {@link ImageTokenRule} instead.
 *
 * <pre>{@code
 * TextTokenEstimate.count("Open the settings app") // 21 ASCII chars -> 6 tokens
 * }</pre>
 */
public final class TextTokenEstimate {
  public static final int TOKENS_PER_MESSAGE = 4;
  public static final int GENERATION_PROMPT_TOKENS = 2;

  private TextTokenEstimate() {}

  public static int count(CharSequence text) {
    long ascii = 0;
    long wide = 0;
    long other = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        ascii++;
      } else if (isWide(c)) {
        wide++;
      } else if (!Character.isLowSurrogate(c)) {
        other++;
      }
    }
    return (int) (Math.ceil(ascii / 4.0) + wide + Math.ceil(other / 2.0));
  }

  private static boolean isWide(char c) {
    return (c >= 0x3000 && c <= 0x9FFF) // CJK punctuation, kana, CJK unified ideographs
        || (c >= 0xAC00 && c <= 0xD7AF) // hangul syllables
        || (c >= 0xF900 && c <= 0xFAFF) // CJK compatibility ideographs
        || (c >= 0xFF00 && c <= 0xFFEF); // full-width forms
  }
}
