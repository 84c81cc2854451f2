package dev.capkit.llamacpp.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet and pre-tokenizer, as llama.cpp's BPE tokenizer
 * ({@code tokenizer.ggml.model = gpt2}, {@code tokenizer.ggml.pre = gpt-2}) expects them: every
 * byte is one printable character (printable ASCII and Latin-1 bytes stand for themselves, the
 * other 68 bytes for U+0100.. in byte order; the space byte is {@code Ġ}), and text is split
 * into words by the GPT-2 regular expression before merges apply within each word.
 *
 * <pre>{@code
 * ByteLevel.encode(" the")   // "Ġthe"
 * ByteLevel.words("it's 42") // "it", "'s", " 42"
 * }</pre>
 */
public final class ByteLevel {
  /** GPT-2's pre-tokenizer (llama.cpp's LLAMA_VOCAB_PRE_TYPE_GPT2). */
  public static final Pattern WORDS =
      Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final char[] BYTE_TO_CHAR = new char[256];

  static {
    boolean[] direct = new boolean[256];
    for (int b = 0; b < 256; b++) {
      direct[b] = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    }
    int next = 256;
    for (int b = 0; b < 256; b++) {
      BYTE_TO_CHAR[b] = direct[b] ? (char) b : (char) next++;
    }
  }

  private ByteLevel() {
  }

  /** The character that stands for {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** {@code text}'s UTF-8 bytes, each as its byte-level character. */
  public static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      sb.append(charOf(b));
    }
    return sb.toString();
  }

  /** Pre-tokenized words of {@code text}, in order. */
  public static java.util.List<String> words(String text) {
    java.util.List<String> out = new java.util.ArrayList<>();
    Matcher m = WORDS.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
