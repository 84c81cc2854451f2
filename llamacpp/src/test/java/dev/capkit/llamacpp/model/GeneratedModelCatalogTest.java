package dev.capkit.llamacpp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.ModelArchitecture;
import dev.capkit.twin.physics.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog's entry for the model {@code ./capkit engine --generate-model DIR} serves by default
 * (30 M parameters, seed 42) is the generator's architecture, not a guess: every shape field equals
 * {@link ModelShape#forParameters}'s, and the stated derived figures equal what the generator writes
 * (parameters with norms, tensor bytes, F16 KV per token); the GGUF on disk holds exactly those
 * tensor bytes plus its metadata.
 */
class GeneratedModelCatalogTest {

  @Test
  void catalogEntryIsTheGeneratorsArchitecture(@TempDir Path dir) throws Exception {
    BpeVocabulary vocab = RandomLlamaGguf.defaultVocabulary();
    ModelShape shape = ModelShape.forParameters(30, vocab.size());
    String name = RandomLlamaGguf.fileName(shape, 42).replaceFirst("\\.gguf$", "");
    ModelArchitecture m = Catalog.load(null).servedModel(name).orElseThrow(() -> new AssertionError("no catalog entry " + name));
    assertEquals(shape.layers(), m.layers());
    assertEquals(shape.embedding(), m.hiddenSize());
    assertEquals(shape.heads(), m.attentionHeads());
    assertEquals(shape.kvHeads(), m.kvHeads());
    assertEquals(shape.headDim(), m.headDim());
    assertEquals(shape.feedForward(), m.intermediateSize());
    assertEquals(shape.vocab(), m.vocabSize());
    long norms = (2L * shape.layers() + 1) * shape.embedding();
    assertEquals(shape.parameters(), m.storedParams() + norms);
    assertEquals(2L * shape.layers() * shape.kvHeads() * shape.headDim() * 2, m.kvBytesPerToken(2));

    long tensorBytes = tensorBytes(shape);
    assertEquals(tensorBytes, (long) Dtype.BF16.weightBytes(m) + norms * 4, "catalog weights + F32 norms = the GGUF's tensors");
    String models = Files.readString(Path.of("../scenarios/catalog/models.json"));
    assertTrue(models.contains("\"parameters\": {\"value\": " + shape.parameters()), "stated parameters");
    assertTrue(models.contains("\"weights_bytes\": {\"value\": " + tensorBytes), "stated weights_bytes");
    assertTrue(models.contains("\"kv_bytes_per_token\": {\"value\": " + m.kvBytesPerToken(2)), "stated kv_bytes_per_token");

    GeneratedModel g = RandomLlamaGguf.write(shape, vocab, 42, dir.resolve(RandomLlamaGguf.fileName(shape, 42)));
    assertTrue(g.bytes() >= tensorBytes && g.bytes() < tensorBytes + (1 << 20),
        "file " + g.bytes() + " B = tensors " + tensorBytes + " B + metadata under 1 MiB");
  }

  /** F16 embeddings and block matrices, F32 norms and output projection, as {@link RandomLlamaGguf} writes them. */
  static long tensorBytes(ModelShape s) {
    long d = s.embedding();
    long kv = s.kvWidth();
    long ff = s.feedForward();
    long perBlock = 2 * d * 4 + (2 * d * d + 2 * d * kv + 3 * d * ff) * 2;
    return s.vocab() * d * 2 + s.layers() * perBlock + d * 4 + s.vocab() * d * 4;
  }
}
