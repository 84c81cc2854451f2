package dev.capkit.emulator.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One HTTP/1.1 chunk ({@code <size in hex>\r\n<data>\r\n}, RFC 9112 section 7.1) built in a single buffer: the data is
 * written after room for the size line, whose digits are filled in at the end, right before the data (no leading
 * zeros, no copy).
 *
 * <pre>{@code
 * ByteBuf b = HttpChunk.start(alloc, 64);
 * b.writeBytes(data);
 * HttpChunk.end(b);   // b now reads "1f\r\n" + data + "\r\n"
 * }</pre>
 */
final class HttpChunk {
  /** Room for the size line: up to 8 hex digits and CRLF. */
  static final int SIZE_ROOM = 10;
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private HttpChunk() {}

  /** A buffer ready for a chunk's data, about {@code dataBytes} long. */
  static ByteBuf start(ByteBufAllocator alloc, int dataBytes) {
    ByteBuf buf = alloc.buffer(SIZE_ROOM + dataBytes + 2);
    buf.writerIndex(SIZE_ROOM);
    return buf;
  }

  /**
   * Frames the data written since {@link #start}: size line before it, CRLF after it.
   *
   * @throws IllegalStateException when no data was written (a zero-size chunk would end the response)
   */
  static ByteBuf end(ByteBuf buf) {
    int size = buf.writerIndex() - SIZE_ROOM;
    if (size <= 0) {
      throw new IllegalStateException("an HTTP chunk needs data; a zero-size chunk ends the response");
    }
    buf.writeShort(('\r' << 8) | '\n');
    int digits = (32 - Integer.numberOfLeadingZeros(size) + 3) / 4;
    int at = SIZE_ROOM - 2 - digits;
    for (int i = 0; i < digits; i++) {
      buf.setByte(at + i, HEX[(size >>> (4 * (digits - 1 - i))) & 0xF]);
    }
    buf.setShort(SIZE_ROOM - 2, ('\r' << 8) | '\n');
    buf.readerIndex(at);
    return buf;
  }
}
