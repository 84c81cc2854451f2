package dev.capkit.llamacpp.gguf;

/**
 * Tensor element types capkit writes, with their {@code ggml_type} codes and element sizes. Both
 * are block-free (one element per value), so a tensor's byte size is elements x {@link #bytes()}.
 */
public enum GgmlType {
  F32(0, 4),
  F16(1, 2);

  private final int code;
  private final int bytes;

  GgmlType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }
}
