package dev.capkit.emulator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pre-framed chunks of the streaming path: exact bytes, and the quoting identical to {@link Json#quote}. */
class HttpChunkTest {
  private static String chunk(String data) {
    ByteBuf b = HttpChunk.start(UnpooledByteBufAllocator.DEFAULT, 4);
    b.writeBytes(data.getBytes(StandardCharsets.UTF_8));
    String s = HttpChunk.end(b).toString(StandardCharsets.UTF_8);
    b.release();
    return s;
  }

  @Test
  void sizeLineIsHexWithoutLeadingZerosAndDataEndsWithCrlf() {
    assertEquals("1\r\na\r\n", chunk("a"));
    assertEquals("f\r\n" + "x".repeat(15) + "\r\n", chunk("x".repeat(15)));
    assertEquals("10\r\n" + "x".repeat(16) + "\r\n", chunk("x".repeat(16)));
    assertEquals("100\r\n" + "x".repeat(256) + "\r\n", chunk("x".repeat(256)));
    assertEquals("1000\r\n" + "x".repeat(4096) + "\r\n", chunk("x".repeat(4096)));
    assertEquals("3\r\n\u00e9a\r\n", chunk("\u00e9a"), "size counts UTF-8 bytes (2 + 1)");
  }

  @Test
  void anEmptyChunkIsRefusedBecauseItWouldEndTheResponse() {
    ByteBuf b = HttpChunk.start(UnpooledByteBufAllocator.DEFAULT, 4);
    assertThrows(IllegalStateException.class, () -> HttpChunk.end(b));
    b.release();
  }

  @Test
  void writeQuotedMatchesQuote() {
    for (String s : new String[] {"", "hello", " world", "a\"b\\c", "line\nnext\r\ttab", "\u0001\u001f\u007f",
        "caf\u00e9 \u4e2d\u6587", "emoji \ud83d\ude00 end", "\ud83d\ude00\u00e9\"x"}) {
      ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer();
      Json.writeQuoted(b, s);
      assertEquals(Json.quote(s), b.toString(StandardCharsets.UTF_8), s);
      b.release();
    }
  }
}
