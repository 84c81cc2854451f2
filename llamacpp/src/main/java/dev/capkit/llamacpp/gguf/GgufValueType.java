package dev.capkit.llamacpp.gguf;

/**
 * GGUF metadata value types with their on-disk codes (GGUF v3, {@code gguf_type} in ggml's
 * {@code gguf.h}). Only the types capkit writes are listed; the codes are fixed by the format.
 */
public enum GgufValueType {
  UINT32(4),
  INT32(5),
  FLOAT32(6),
  BOOL(7),
  STRING(8),
  ARRAY(9),
  UINT64(10);

  private final int code;

  GgufValueType(int code) {
    this.code = code;
  }

  /** The uint32 written before the value. */
  public int code() {
    return code;
  }
}
