package dev.capkit.llamacpp.gguf;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes a GGUF file (version 3), the model format llama.cpp loads.
 *
 * <p><b>Format</b> (all integers little-endian; a <i>string</i> is a uint64 byte count followed
 * by that many UTF-8 bytes, no terminator):
 * <pre>
 *   header   uint32 magic 0x46554747 ("GGUF" as bytes), uint32 version = 3,
 *            uint64 tensor_count, uint64 metadata_kv_count
 *   metadata metadata_kv_count x { string key, uint32 value_type, value }
 *            value by type: UINT32 4 bytes, INT32 4, FLOAT32 4, BOOL 1 (0/1), UINT64 8,
 *            STRING a string, ARRAY { uint32 element_type, uint64 count, count x element }
 *            (codes in {@link GgufValueType}: UINT32=4 INT32=5 FLOAT32=6 BOOL=7 STRING=8 ARRAY=9 UINT64=10)
 *   tensors  tensor_count x { string name, uint32 n_dims, n_dims x uint64 ne[i],
 *            uint32 ggml_type, uint64 offset }
 *            ne[0] is the fastest-varying (contiguous) dimension: a PyTorch/NumPy weight of shape
 *            (rows, cols) is written as ne = [cols, rows]; offset is relative to the start of the
 *            data section and a multiple of the alignment
 *   padding  zero bytes to a multiple of {@link #ALIGNMENT} (32, the default of
 *            {@code general.alignment}, which this writer never overrides)
 *   data     each tensor's elements in order (F32: IEEE binary32, F16: binary16), each tensor
 *            zero-padded to a multiple of the alignment
 * </pre>
 * Keys are written in the order they were put, tensors in the order they were added, so the same
 * calls give the same bytes (pinned by a golden file in the tests). Source of the layout: ggml's
 * {@code docs/gguf.md} and {@code gguf-py} (read, not copied).
 *
 * <pre>{@code
 * new GgufWriter()
 *     .putString("general.architecture", "llama")
 *     .putUInt32("llama.block_count", 2)
 *     .addTensor("output_norm.weight", GgmlType.F32, new long[] {512}, norm)
 *     .write(Path.of("model.gguf"));
 * }</pre>
 */
public final class GgufWriter {
  /** "GGUF" read as a little-endian uint32. */
  public static final int MAGIC = 0x46554747;
  public static final int VERSION = 3;
  public static final int ALIGNMENT = 32;

  private record Kv(String key, GgufValueType type, GgufValueType elementType, Object value) {
  }

  private record Tensor(String name, GgmlType type, long[] dims, float[] values) {
    long bytes() {
      return (long) values.length * type.bytes();
    }
  }

  private final List<Kv> kvs = new ArrayList<>();
  private final List<Tensor> tensors = new ArrayList<>();

  public GgufWriter putString(String key, String value) {
    return put(key, GgufValueType.STRING, null, Objects.requireNonNull(value, key));
  }

  public GgufWriter putUInt32(String key, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(key + ": uint32 value must be >= 0, got " + value);
    }
    return put(key, GgufValueType.UINT32, null, value);
  }

  public GgufWriter putFloat32(String key, float value) {
    return put(key, GgufValueType.FLOAT32, null, value);
  }

  public GgufWriter putBool(String key, boolean value) {
    return put(key, GgufValueType.BOOL, null, value);
  }

  public GgufWriter putStringArray(String key, List<String> values) {
    return put(key, GgufValueType.ARRAY, GgufValueType.STRING, List.copyOf(values));
  }

  public GgufWriter putInt32Array(String key, int[] values) {
    return put(key, GgufValueType.ARRAY, GgufValueType.INT32, values.clone());
  }

  private GgufWriter put(String key, GgufValueType type, GgufValueType elementType, Object value) {
    Objects.requireNonNull(key, "key");
    if (kvs.stream().anyMatch(kv -> kv.key().equals(key))) {
      throw new IllegalArgumentException("metadata key " + key + " is already set");
    }
    kvs.add(new Kv(key, type, elementType, value));
    return this;
  }

  /**
   * Adds a tensor. {@code dims} are ggml's ne[] (fastest-varying first); {@code values} holds the
   * elements in memory order and is converted to {@code type} when written (kept, not copied).
   */
  public GgufWriter addTensor(String name, GgmlType type, long[] dims, float[] values) {
    long elements = Arrays.stream(dims).reduce(1, Math::multiplyExact);
    if (dims.length < 1 || dims.length > 4 || elements != values.length) {
      throw new IllegalArgumentException("tensor " + name + ": dims " + Arrays.toString(dims) + " hold "
          + elements + " elements but " + values.length + " values were given (1 to 4 dims)");
    }
    if (tensors.stream().anyMatch(t -> t.name().equals(name))) {
      throw new IllegalArgumentException("tensor " + name + " is already added");
    }
    tensors.add(new Tensor(name, type, dims.clone(), values));
    return this;
  }

  /** Writes the file through a temporary sibling and a rename, so a reader never sees half a file. */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        write(channel);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The file's bytes (tests; models are written with {@link #write(Path)}). */
  public byte[] toBytes() throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    write(Channels.newChannel(out));
    return out.toByteArray();
  }

  private void write(WritableByteChannel channel) throws IOException {
    try (LittleEndianSink sink = new LittleEndianSink(channel)) {
      sink.u32(MAGIC);
      sink.u32(VERSION);
      sink.u64(tensors.size());
      sink.u64(kvs.size());
      for (Kv kv : kvs) {
        sink.string(kv.key());
        sink.u32(kv.type().code());
        writeValue(sink, kv);
      }
      long offset = 0;
      for (Tensor t : tensors) {
        sink.string(t.name());
        sink.u32(t.dims().length);
        for (long d : t.dims()) {
          sink.u64(d);
        }
        sink.u32(t.type().code());
        sink.u64(offset);
        offset += padded(t.bytes());
      }
      sink.pad(ALIGNMENT);
      for (Tensor t : tensors) {
        writeData(sink, t);
        sink.pad(ALIGNMENT);
      }
    }
  }

  private static long padded(long bytes) {
    return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  private static void writeValue(LittleEndianSink sink, Kv kv) throws IOException {
    switch (kv.type()) {
      case STRING -> sink.string((String) kv.value());
      case UINT32 -> sink.u32((Integer) kv.value());
      case FLOAT32 -> sink.f32((Float) kv.value());
      case BOOL -> sink.u8((Boolean) kv.value() ? 1 : 0);
      case ARRAY -> {
        sink.u32(kv.elementType().code());
        if (kv.elementType() == GgufValueType.STRING) {
          @SuppressWarnings("unchecked")
          List<String> values = (List<String>) kv.value();
          sink.u64(values.size());
          for (String s : values) {
            sink.string(s);
          }
        } else {
          int[] values = (int[]) kv.value();
          sink.u64(values.length);
          for (int v : values) {
            sink.u32(v);
          }
        }
      }
      default -> throw new IllegalStateException("no writer for " + kv.type());
    }
  }

  private static void writeData(LittleEndianSink sink, Tensor t) throws IOException {
    if (t.type() == GgmlType.F32) {
      for (float v : t.values()) {
        sink.f32(v);
      }
    } else {
      for (float v : t.values()) {
        sink.f16(HalfFloat.fromFloat(v));
      }
    }
  }
}
