package dev.capkit.llamacpp.model;

import dev.capkit.llamacpp.gguf.GgmlType;
import dev.capkit.llamacpp.gguf.GgufWriter;
import dev.capkit.llamacpp.gguf.HalfFloat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a random-weight LLaMA-architecture model as GGUF, with a byte-level BPE vocabulary trained
 * on capkit's own documentation (a copy shipped as {@code corpus.txt}, so the vocabulary does not
 * change when the docs do) and a ChatML chat template. Seeded and deterministic: the same shape,
 * vocabulary and seed give the same bytes.
 *
 * <p>The weights are random except for the structure described in {@link OutputMargin}: the only
 * tokens the model can ever sample are space-prefixed ASCII words, so end-of-sequence never wins
 * (completions run to {@code max_tokens} exactly) and every streamed token is valid UTF-8 on its own.
 * Matrices are F16 (the format of most served GGUF models); norms and the output projection F32.
 *
 * <pre>{@code
 * BpeVocabulary vocab = RandomLlamaGguf.defaultVocabulary();
 * GeneratedModel m = RandomLlamaGguf.write(ModelShape.forParameters(30, vocab.size()), vocab, 42, Path.of("m.gguf"));
 * }</pre>
 */
public final class RandomLlamaGguf {
  /** Target vocabulary size of {@link #defaultVocabulary()}. */
  public static final int VOCABULARY = 4096;
  /** Bumped whenever the same shape and seed would give different bytes. */
  public static final int VERSION = 1;
  /** Value of the constant residual channel (dimension 0) in every token embedding. */
  static final float CONSTANT_CHANNEL = 1f;
  /** Norm of the rest of a token embedding relative to the constant channel. */
  static final double EMBEDDING_REST = 0.3;
  /** Bound on what one attention or feed-forward block may add to the residual. */
  static final double BLOCK_BUDGET = 0.02;
  /** Scale of attn_output and ffn_down on top of 1/sqrt(fan-in): keeps the norm gains out of F16 subnormals. */
  static final float OUTPUT_PROJECTION_SCALE = 1f / 32;
  /** Final-norm gain on the non-constant dimensions: sets how much the context moves word logits. */
  static final float CONTEXT_GAIN = 0.4f;
  static final String CHAT_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
      + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
      + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private RandomLlamaGguf() {
  }

  /** The vocabulary trained on the shipped corpus ({@value #VOCABULARY} tokens at most). */
  public static BpeVocabulary defaultVocabulary() {
    try (InputStream in = RandomLlamaGguf.class.getResourceAsStream("/dev/capkit/llamacpp/corpus.txt")) {
      if (in == null) {
        throw new IllegalStateException("corpus.txt is missing from the class path");
      }
      return new BpeTrainer(VOCABULARY).train(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file name a generated model gets: its size, seed and generator version. */
  public static String fileName(ModelShape shape, long seed) {
    return "capkit-random-llama-" + Math.round(shape.parameters() / 1e6) + "m-seed" + seed + "-v" + VERSION + ".gguf";
  }

  /** Writes the model to {@code file} (replacing it) and says what was built. */
  public static GeneratedModel write(ModelShape shape, BpeVocabulary vocab, long seed, Path file) throws IOException {
    if (shape.vocab() != vocab.size()) {
      throw new IllegalArgumentException("shape has " + shape.vocab() + " tokens, vocabulary " + vocab.size());
    }
    int d = shape.embedding();
    GgufWriter gguf = new GgufWriter();
    metadata(gguf, shape, vocab, seed);
    float[] embeddings = embeddings(shape, seed);
    double restBound = maxRestNorm(embeddings, d);
    gguf.addTensor("token_embd.weight", GgmlType.F16, new long[] {d, shape.vocab()}, embeddings);
    for (int layer = 0; layer < shape.layers(); layer++) {
      restBound += block(gguf, shape, seed, layer);
    }
    float[] finalNorm = new float[d];
    java.util.Arrays.fill(finalNorm, CONTEXT_GAIN);
    finalNorm[0] = 1f;
    gguf.addTensor("output_norm.weight", GgmlType.F32, new long[] {d}, finalNorm);
    OutputLayer out = outputLayer(shape, vocab, seed, restBound);
    gguf.addTensor("output.weight", GgmlType.F32, new long[] {d, shape.vocab()}, out.weights());
    gguf.putFloat32("capkit.output_margin", (float) out.margin());
    gguf.write(file);
    return new GeneratedModel(file, shape, seed, out.wordTokens(), out.margin(), Files.size(file));
  }

  private static void metadata(GgufWriter gguf, ModelShape s, BpeVocabulary vocab, long seed) {
    long millions = Math.round(s.parameters() / 1e6);
    gguf.putString("general.architecture", "llama")
        .putString("general.name", "capkit-random-llama-" + millions + "m")
        .putUInt32("general.file_type", 1) // mostly F16
        .putUInt32("llama.context_length", s.contextLength())
        .putUInt32("llama.embedding_length", s.embedding())
        .putUInt32("llama.block_count", s.layers())
        .putUInt32("llama.feed_forward_length", s.feedForward())
        .putUInt32("llama.rope.dimension_count", s.headDim())
        .putUInt32("llama.attention.head_count", s.heads())
        .putUInt32("llama.attention.head_count_kv", s.kvHeads())
        .putFloat32("llama.attention.layer_norm_rms_epsilon", (float) OutputMargin.RMS_EPS)
        .putFloat32("llama.rope.freq_base", 10_000f)
        .putUInt32("llama.vocab_size", s.vocab())
        .putString("tokenizer.ggml.model", "gpt2")
        .putString("tokenizer.ggml.pre", "gpt-2")
        .putStringArray("tokenizer.ggml.tokens", vocab.tokens())
        .putInt32Array("tokenizer.ggml.token_type", vocab.types())
        .putStringArray("tokenizer.ggml.merges", vocab.merges())
        .putUInt32("tokenizer.ggml.bos_token_id", vocab.endOfTextId())
        .putUInt32("tokenizer.ggml.eos_token_id", vocab.endOfTextId())
        .putBool("tokenizer.ggml.add_bos_token", false)
        .putBool("tokenizer.ggml.add_eos_token", false)
        .putString("tokenizer.chat_template", CHAT_TEMPLATE)
        .putString("capkit.generator", "dev.capkit.llamacpp.model.RandomLlamaGguf")
        .putString("capkit.seed", Long.toString(seed));
  }

  private static SplittableRandom random(long seed, String tensor) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + tensor.hashCode());
  }

  /** Gaussian values (F16-rounded when stored as F16) with standard deviation {@code sigma}. */
  private static float[] gaussian(long seed, String tensor, int n, double sigma, boolean f16) {
    SplittableRandom r = random(seed, tensor);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      float x = (float) (r.nextGaussian() * sigma);
      v[i] = f16 ? HalfFloat.round(x) : x;
    }
    return v;
  }

  private static float[] embeddings(ModelShape s, long seed) {
    int d = s.embedding();
    float[] e = gaussian(seed, "token_embd.weight", s.vocab() * d, EMBEDDING_REST * CONSTANT_CHANNEL / Math.sqrt(d - 1), true);
    for (int v = 0; v < s.vocab(); v++) {
      e[v * d] = CONSTANT_CHANNEL;
    }
    return e;
  }

  private static double maxRestNorm(float[] rows, int d) {
    double max = 0;
    for (int r = 0; r < rows.length / d; r++) {
      double sum = 0;
      for (int j = 1; j < d; j++) {
        sum += (double) rows[r * d + j] * rows[r * d + j];
      }
      max = Math.max(max, Math.sqrt(sum));
    }
    return max;
  }

  /** Adds block {@code layer}'s tensors and returns the bound on what it adds to the residual. */
  private static double block(GgufWriter gguf, ModelShape s, long seed, int layer) {
    int d = s.embedding();
    int kv = s.kvWidth();
    int ff = s.feedForward();
    String p = "blk." + layer + ".";
    float[] wq = gaussian(seed, p + "attn_q.weight", d * d, 1 / Math.sqrt(d), true);
    float[] wk = gaussian(seed, p + "attn_k.weight", kv * d, 1 / Math.sqrt(d), true);
    float[] wv = gaussian(seed, p + "attn_v.weight", kv * d, 1 / Math.sqrt(d), true);
    float[] wo = gaussian(seed, p + "attn_output.weight", d * d, OUTPUT_PROJECTION_SCALE / Math.sqrt(d), true);
    float[] gate = gaussian(seed, p + "ffn_gate.weight", ff * d, 1 / Math.sqrt(d), true);
    float[] up = gaussian(seed, p + "ffn_up.weight", ff * d, 1 / Math.sqrt(d), true);
    float[] down = gaussian(seed, p + "ffn_down.weight", d * ff, OUTPUT_PROJECTION_SCALE / Math.sqrt(ff), true);
    java.util.Arrays.fill(wo, 0, d, 0f);   // row 0: never write the constant channel
    java.util.Arrays.fill(down, 0, ff, 0f);
    double attnUnit = OutputMargin.attentionBound(Matrices.frobenius(wo), Matrices.frobenius(wv), s.heads(), s.kvHeads(), d, 1);
    float gAttn = (float) (BLOCK_BUDGET / attnUnit);
    double ffnUnit = OutputMargin.feedForwardBound(Matrices.frobenius(down), Matrices.maxRowNorm(gate, d),
        Matrices.frobenius(up), d, 1);
    float gFfn = (float) Math.sqrt(BLOCK_BUDGET / ffnUnit);
    gguf.addTensor(p + "attn_norm.weight", GgmlType.F32, new long[] {d}, filled(d, gAttn));
    gguf.addTensor(p + "attn_q.weight", GgmlType.F16, new long[] {d, d}, wq);
    gguf.addTensor(p + "attn_k.weight", GgmlType.F16, new long[] {d, kv}, wk);
    gguf.addTensor(p + "attn_v.weight", GgmlType.F16, new long[] {d, kv}, wv);
    gguf.addTensor(p + "attn_output.weight", GgmlType.F16, new long[] {d, d}, wo);
    gguf.addTensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {d}, filled(d, gFfn));
    gguf.addTensor(p + "ffn_gate.weight", GgmlType.F16, new long[] {d, ff}, gate);
    gguf.addTensor(p + "ffn_up.weight", GgmlType.F16, new long[] {d, ff}, up);
    gguf.addTensor(p + "ffn_down.weight", GgmlType.F16, new long[] {ff, d}, down);
    return attnUnit * gAttn + ffnUnit * gFfn * gFfn;
  }

  private static float[] filled(int n, float value) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, value);
    return v;
  }

  private record OutputLayer(float[] weights, int wordTokens, double margin) {
  }

  private static OutputLayer outputLayer(ModelShape s, BpeVocabulary vocab, long seed, double restBound) {
    int d = s.embedding();
    float[] w = gaussian(seed, "output.weight", s.vocab() * d, 1, false);
    int words = 0;
    for (int v = 0; v < s.vocab(); v++) {
      if (vocab.isWordToken(v)) {
        words++;
      } else {
        java.util.Arrays.fill(w, v * d, (v + 1) * d, 0f);
      }
    }
    if (words < 100) {
      throw new IllegalStateException("the vocabulary has only " + words + " word tokens (space + ASCII letters); need 100");
    }
    double maxWordRow = 0;
    for (int v = 0; v < s.vocab(); v++) {
      if (vocab.isWordToken(v)) {
        maxWordRow = Math.max(maxWordRow, Matrices.rowNorm(w, v, d, 1));
      }
    }
    double c = CONSTANT_CHANNEL;
    float b = (float) OutputMargin.bias(c, restBound, d, CONTEXT_GAIN, maxWordRow);
    for (int v = 0; v < s.vocab(); v++) {
      w[v * d] = vocab.isWordToken(v) ? b : -b;
    }
    double margin = OutputMargin.margin(c, restBound, d, CONTEXT_GAIN, maxWordRow, b);
    return new OutputLayer(w, words, margin);
  }
}
