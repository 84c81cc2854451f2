package dev.capkit.emulator.server;

/** JSON string quoting for the hand-built response bodies (streaming chunks are built per token, so no tree). */
final class Json {
  private Json() {}

  /**
   * Writes {@code s} quoted, as {@link #quote} would, straight into {@code buf} as UTF-8 (no String per token on the
   * streaming path).
   */
  static void writeQuoted(io.netty.buffer.ByteBuf buf, String s) {
    buf.writeByte('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        buf.writeByte(c);
      } else if (c >= 0x80) {
        int j = i + 1;
        while (j < n && s.charAt(j) >= 0x80) {
          j++; // a run of non-ASCII chars, so surrogate pairs stay together
        }
        io.netty.buffer.ByteBufUtil.writeUtf8(buf, s, i, j);
        i = j - 1;
      } else {
        switch (c) {
          case '"' -> buf.writeShort(('\\' << 8) | '"');
          case '\\' -> buf.writeShort(('\\' << 8) | '\\');
          case '\n' -> buf.writeShort(('\\' << 8) | 'n');
          case '\r' -> buf.writeShort(('\\' << 8) | 'r');
          case '\t' -> buf.writeShort(('\\' << 8) | 't');
          default -> buf.writeCharSequence(String.format("\\u%04x", (int) c), java.nio.charset.StandardCharsets.US_ASCII);
        }
      }
    }
    buf.writeByte('"');
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
