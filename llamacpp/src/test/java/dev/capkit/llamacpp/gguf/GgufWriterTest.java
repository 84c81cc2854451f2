package dev.capkit.llamacpp.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The writer against the golden file {@code gguf/tiny-v3.gguf} and the format's invariants. */
class GgufWriterTest {
  static GgufWriter tiny() {
    return new GgufWriter()
        .putString("general.architecture", "llama")
        .putUInt32("llama.block_count", 1)
        .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
        .putBool("tokenizer.ggml.add_bos_token", false)
        .putStringArray("tokenizer.ggml.tokens", List.of("a", "\u0120b"))
        .putInt32Array("tokenizer.ggml.token_type", new int[] {1, 3})
        .addTensor("norm.weight", GgmlType.F32, new long[] {3}, new float[] {1f, -2f, 0.5f})
        .addTensor("w.weight", GgmlType.F16, new long[] {2, 2}, new float[] {1f, 0.1f, -1f, 65504f});
  }

  @Test
  void matchesTheGoldenFile() throws Exception {
    byte[] golden;
    try (InputStream in = GgufWriterTest.class.getResourceAsStream("/gguf/tiny-v3.gguf")) {
      golden = in.readAllBytes();
    }
    assertArrayEquals(golden, tiny().toBytes());
  }

  @Test
  void headerTensorInfosAndAlignedData() throws Exception {
    ByteBuffer b = ByteBuffer.wrap(tiny().toBytes()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals('G', b.get(0));
    assertEquals('F', b.get(3));
    assertEquals(GgufWriter.MAGIC, b.getInt(0));
    assertEquals(3, b.getInt(4));
    assertEquals(2, b.getLong(8)); // tensors
    assertEquals(6, b.getLong(16)); // metadata
    int size = b.capacity();
    // data: norm (12 bytes, padded to 32) then w (8 bytes, padded to 32): 64 bytes at an aligned start
    int dataStart = size - 64;
    assertEquals(0, dataStart % GgufWriter.ALIGNMENT);
    assertEquals(1f, b.getFloat(dataStart));
    assertEquals(-2f, b.getFloat(dataStart + 4));
    assertEquals((short) 0x3C00, b.getShort(dataStart + 32));
    assertEquals((short) 0x2E66, b.getShort(dataStart + 34));
    assertEquals((short) 0x7BFF, b.getShort(dataStart + 38));
  }

  @Test
  void refusesInconsistentInput() {
    assertThrows(IllegalArgumentException.class,
        () -> new GgufWriter().addTensor("t", GgmlType.F32, new long[] {2, 2}, new float[3]));
    assertThrows(IllegalArgumentException.class,
        () -> new GgufWriter().putUInt32("k", 1).putUInt32("k", 2));
  }
}
