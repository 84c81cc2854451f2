package dev.capkit.llamacpp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomLlamaGgufTest {
  @Test
  void shapeForAParameterTarget() {
    ModelShape s = ModelShape.forParameters(30, 3028);
    assertEquals(9, s.layers());
    assertTrue(Math.abs(s.parameters() - 30e6) < s.parametersPerLayer() / 2.0 + 1, "params " + s.parameters());
    assertEquals(64, s.headDim());
  }

  @Test
  void sameSeedSameBytesAndTheMarginHolds(@TempDir Path dir) throws Exception {
    BpeVocabulary vocab = RandomLlamaGguf.defaultVocabulary();
    ModelShape shape = new ModelShape(vocab.size(), 128, 2, 4, 2, 256, 1024);
    GeneratedModel a = RandomLlamaGguf.write(shape, vocab, 7, dir.resolve("a.gguf"));
    GeneratedModel b = RandomLlamaGguf.write(shape, vocab, 7, dir.resolve("b.gguf"));
    assertArrayEquals(sha256(a.file()), sha256(b.file()));
    assertEquals(Files.size(a.file()), a.bytes());
    assertTrue(a.marginLogits() >= OutputMargin.TARGET - 1e-6, "margin " + a.marginLogits());
    GeneratedModel c = RandomLlamaGguf.write(shape, vocab, 8, dir.resolve("c.gguf"));
    assertTrue(!java.util.Arrays.equals(sha256(a.file()), sha256(c.file())));
  }

  @Test
  void marginFormulaKnownAnswer() {
    // C = 1, R = 0 (no context): x0 = sqrt(d) / sqrt(1 + d eps); margin = 2 B x0
    double x0 = OutputMargin.constantChannelMin(1, 0, 100);
    assertEquals(10 / Math.sqrt(1 + 100 * OutputMargin.RMS_EPS), x0, 1e-12);
    assertEquals(0, OutputMargin.restNormMax(1, 0, 100), 0);
    double b = OutputMargin.bias(1, 0, 100, 0.4, 10);
    assertEquals(OutputMargin.TARGET, OutputMargin.margin(1, 0, 100, 0.4, 10, b), 1e-9);
    // a larger context bound needs a larger B for the same margin
    assertTrue(OutputMargin.bias(1, 2, 100, 0.4, 10) > b);
  }

  private static byte[] sha256(Path file) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
  }
}
