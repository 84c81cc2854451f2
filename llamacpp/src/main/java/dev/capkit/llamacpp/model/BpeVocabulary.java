package dev.capkit.llamacpp.model;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A byte-level BPE vocabulary as llama.cpp reads it from GGUF: token strings in byte-level form
 * ({@code tokenizer.ggml.tokens}), their types ({@code tokenizer.ggml.token_type}: 1 normal,
 * 3 control) and the merges in rank order ({@code tokenizer.ggml.merges}, "left right").
 * Ids 0..255 are the single bytes in byte order; then one token per merge; then the control tokens
 * {@code <|endoftext|>} (BOS and EOS), {@code <|im_start|>} and {@code <|im_end|>} (ChatML turns).
 *
 * @param tokens token strings, index = id
 * @param types  llama.cpp token types, index = id
 * @param merges merge rules, highest priority first
 */
public record BpeVocabulary(List<String> tokens, int[] types, List<String> merges) {
  public static final int TYPE_NORMAL = 1;
  public static final int TYPE_CONTROL = 3;
  public static final String END_OF_TEXT = "<|endoftext|>";
  public static final String IM_START = "<|im_start|>";
  public static final String IM_END = "<|im_end|>";

  /** Byte-level form of a space followed by one or more ASCII letters, e.g. {@code Ġmodel}. */
  private static final Pattern WORD = Pattern.compile("\u0120[A-Za-z]+");

  public BpeVocabulary {
    tokens = List.copyOf(tokens);
    merges = List.copyOf(merges);
    types = types.clone();
    if (types.length != tokens.size()) {
      throw new IllegalArgumentException(types.length + " token types for " + tokens.size() + " tokens");
    }
  }

  public int size() {
    return tokens.size();
  }

  public int endOfTextId() {
    return tokens.indexOf(END_OF_TEXT);
  }

  /**
   * Whether token {@code id} is an output token: a space and ASCII letters. Such a token is
   * complete UTF-8 on its own, never a control token, and decodes to a word, which is what makes
   * the generated model's output valid text one token at a time.
   */
  public boolean isWordToken(int id) {
    return types[id] == TYPE_NORMAL && WORD.matcher(tokens.get(id)).matches();
  }
}
