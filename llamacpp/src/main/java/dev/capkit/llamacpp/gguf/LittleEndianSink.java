package dev.capkit.llamacpp.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/** Buffered little-endian writes to a channel, counting the bytes written (for alignment padding). */
final class LittleEndianSink implements AutoCloseable {
  private final WritableByteChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
  private long position;

  LittleEndianSink(WritableByteChannel channel) {
    this.channel = channel;
  }

  long position() {
    return position;
  }

  private void room(int bytes) throws IOException {
    if (buffer.remaining() < bytes) {
      flush();
    }
  }

  void u8(int v) throws IOException {
    room(1);
    buffer.put((byte) v);
    position++;
  }

  void u32(int v) throws IOException {
    room(4);
    buffer.putInt(v);
    position += 4;
  }

  void u64(long v) throws IOException {
    room(8);
    buffer.putLong(v);
    position += 8;
  }

  void f32(float v) throws IOException {
    room(4);
    buffer.putFloat(v);
    position += 4;
  }

  void f16(short v) throws IOException {
    room(2);
    buffer.putShort(v);
    position += 2;
  }

  /** A GGUF string: uint64 byte length, then the UTF-8 bytes (no terminator). */
  void string(String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    u64(bytes.length);
    for (byte b : bytes) {
      u8(b);
    }
  }

  /** Zero bytes up to the next multiple of {@code alignment}. */
  void pad(int alignment) throws IOException {
    while (position % alignment != 0) {
      u8(0);
    }
  }

  void flush() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
