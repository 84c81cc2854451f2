package dev.capkit.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the few facts capkit needs from one chat-completion JSON (a streamed
 * {@code chat.completion.chunk} or a whole non-streamed {@code chat.completion}) in one pass over
 * its UTF-8 bytes: no tree, no parser object, no String and no allocation at all unless the JSON
 * carries an error message to report.
 *
 * <p>Facts: whether the first choice carries generated text ({@code delta.content},
 * {@code delta.reasoning_content} or {@code delta.reasoning}, or {@code message.*} for a whole
 * response, or {@code text} for the completions API); whether it has a {@code finish_reason};
 * {@code usage} token counts (read only when a {@code usage} object is present, i.e. on the final
 * chunk); and an error object ({@code {"error":{...}}} or vLLM's older
 * {@code {"object":"error","message":...}}). Later duplicate keys override earlier ones.
 *
 * <p>Validation: the JSON grammar of RFC 8259 is checked up to the end of the root object (strings
 * with their escapes, numbers, literals, nesting up to {@value #MAX_DEPTH} levels); malformed input
 * throws {@link IOException} naming the offset. As with the streaming parser this replaced, bytes
 * after the root object's closing brace are not read, and UTF-8 inside strings is not validated
 * (only the ASCII structure matters here).
 *
 * <p>Mutable and reused for every event of a response on purpose: a stream of 3,000 chunks must
 * not allocate 3,000 result objects on the event loop. Not thread-safe.
 */
final class ChunkScan {

  static final int MAX_DEPTH = 1000;

  private static final byte[] CHOICES = ascii("choices");
  private static final byte[] USAGE = ascii("usage");
  private static final byte[] ERROR = ascii("error");
  private static final byte[] OBJECT = ascii("object");
  private static final byte[] MESSAGE = ascii("message");
  private static final byte[] CODE = ascii("code");
  private static final byte[] DELTA = ascii("delta");
  private static final byte[] TEXT = ascii("text");
  private static final byte[] FINISH_REASON = ascii("finish_reason");
  private static final byte[] CONTENT = ascii("content");
  private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
  private static final byte[] REASONING = ascii("reasoning");
  private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
  private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
  private static final byte[] COMPLETION_TOKENS_DETAILS = ascii("completion_tokens_details");
  private static final byte[] REASONING_TOKENS = ascii("reasoning_tokens");

  // Kinds of the value just read (what the streaming parser called the token).
  private static final int OBJ = 1;
  private static final int ARR = 2;
  private static final int STR = 3;
  private static final int INT = 4;
  private static final int FLOAT = 5;
  private static final int TRUE = 6;
  private static final int FALSE = 7;
  private static final int NULL = 8;

  boolean content;
  /** Non-empty answer text ({@code content}, {@code text}), not reasoning. */
  boolean answer;
  /** Non-empty {@code reasoning_content} or {@code reasoning}. */
  boolean reasoning;
  /** {@code usage.completion_tokens_details.reasoning_tokens}, or -1. */
  int reasoningTokens;
  boolean finished;
  int promptTokens;
  int completionTokens;
  boolean error;
  String errorMessage;
  int errorCode;

  // Input of the current scan.
  private byte[] buf;
  private int pos;
  private int end;
  private int depth;
  // Last key read: buf[keyStart, keyEnd), with keyEscaped when it held a backslash escape.
  private int keyStart;
  private int keyEnd;
  private boolean keyEscaped;
  // Last string value read: buf[strStart, strEnd) raw (escapes not decoded); strEscaped if it has any.
  private int strStart;
  private int strEnd;
  private boolean strEscaped;
  // Last integer value read (valid when the value kind is INT and intOk).
  private long intValue;
  private boolean intOk;

  /** Scans {@code buf[off, off+len)}; throws on malformed JSON. */
  void scan(byte[] buf, int off, int len) throws IOException {
    content = false;
    answer = false;
    reasoning = false;
    reasoningTokens = -1;
    finished = false;
    promptTokens = -1;
    completionTokens = -1;
    error = false;
    errorMessage = null;
    errorCode = -1;
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
    this.depth = 0;
    try {
      skipWhitespace();
      if (pos >= end || buf[pos] != '{') {
        throw fail("expected a JSON object");
      }
      pos++;
      depth++;
      readRoot();
      if (!error) {
        errorMessage = null;
        errorCode = -1;
      }
    } finally {
      this.buf = null;
    }
  }

  private void readRoot() throws IOException {
    while (nextField()) {
      if (key(CHOICES)) {
        readChoices(value());
      } else if (key(USAGE)) {
        readUsage(value());
      } else if (key(ERROR)) {
        readError(value());
      } else if (key(OBJECT)) {
        int v = value();
        // length check first: the usual "chat.completion.chunk" is not compared
        error |= v == STR && strEnd - strStart == 5 && matches(strStart, strEnd, ERROR);
        skipRest(v);
      } else if (key(MESSAGE)) {
        int v = value();
        errorMessage = v == STR ? string() : errorMessage;
        skipRest(v);
      } else if (key(CODE)) {
        int v = value();
        errorCode = v == INT ? intValue() : errorCode;
        skipRest(v);
      } else {
        skipValue();
      }
    }
  }

  private void readChoices(int kind) throws IOException {
    if (kind != ARR) {
      skipRest(kind);
      return;
    }
    boolean first = true;
    while (nextElement()) {
      int element = value();
      if (!first || element != OBJ) {
        skipRest(element); // capkit sends n=1; only the first choice is measured (if it is an object)
        first = false;
        continue;
      }
      first = false;
      while (nextField()) {
        if (key(DELTA) || key(MESSAGE)) {
          readDelta(value());
        } else if (key(TEXT)) {
          boolean text = nonEmptyString(value());
          content |= text;
          answer |= text;
        } else if (key(FINISH_REASON)) {
          int v = value();
          finished |= v != NULL;
          skipRest(v);
        } else {
          skipValue();
        }
      }
    }
  }

  private void readDelta(int kind) throws IOException {
    if (kind != OBJ) {
      skipRest(kind);
      return;
    }
    while (nextField()) {
      // Reasoning text is generated output too: see StreamTimings on why it counts for TTFT.
      if (key(CONTENT)) {
        boolean text = nonEmptyString(value());
        content |= text;
        answer |= text;
      } else if (key(REASONING_CONTENT) || key(REASONING)) {
        boolean text = nonEmptyString(value());
        content |= text;
        reasoning |= text;
      } else {
        skipValue();
      }
    }
  }

  private void readUsage(int kind) throws IOException {
    if (kind != OBJ) {
      skipRest(kind);
      return;
    }
    while (nextField()) {
      boolean prompt = key(PROMPT_TOKENS);
      boolean completion = !prompt && key(COMPLETION_TOKENS);
      boolean details = !prompt && !completion && key(COMPLETION_TOKENS_DETAILS);
      int v = value();
      if (v == INT && prompt) {
        promptTokens = intValue();
      } else if (v == INT && completion) {
        completionTokens = intValue();
      } else if (v == OBJ && details) {
        readCompletionDetails();
      } else {
        skipRest(v);
      }
    }
  }

  /** {@code usage.completion_tokens_details}: OpenAI's {@code reasoning_tokens}, as vLLM and SGLang fill it. */
  private void readCompletionDetails() throws IOException {
    while (nextField()) {
      boolean reasoningCount = key(REASONING_TOKENS);
      int v = value();
      if (v == INT && reasoningCount) {
        reasoningTokens = intValue();
      } else {
        skipRest(v);
      }
    }
  }

  private void readError(int kind) throws IOException {
    if (kind == NULL) {
      return;
    }
    error = true;
    if (kind == STR) {
      errorMessage = string();
      return;
    }
    if (kind != OBJ) {
      skipRest(kind);
      return;
    }
    while (nextField()) {
      boolean message = key(MESSAGE);
      boolean code = !message && key(CODE);
      int v = value();
      if (message && v == STR) {
        errorMessage = string();
      } else if (code && v == INT) {
        errorCode = intValue();
      } else {
        skipRest(v);
      }
    }
  }

  private boolean nonEmptyString(int kind) throws IOException {
    if (kind != STR) {
      skipRest(kind);
      return false;
    }
    return strEnd > strStart; // any escape decodes to at least one char
  }

  // --- the tokenizer: objects and arrays are entered by value() and left by nextField()/nextElement().

  /**
   * Inside an object just entered or after a value: reads {@code ,"key":} (or the first
   * {@code "key":}) and returns true, or reads the closing brace and returns false.
   */
  private boolean nextField() throws IOException {
    skipWhitespace();
    byte b = peek("a key or '}'");
    if (b == '}') {
      pos++;
      depth--;
      return false;
    }
    if (afterFirst()) {
      if (b != ',') {
        throw fail("expected ',' or '}'");
      }
      pos++;
      skipWhitespace();
      b = peek("a key");
    }
    if (b != '"') {
      throw fail("expected a key");
    }
    readString();
    keyStart = strStart;
    keyEnd = strEnd;
    keyEscaped = strEscaped;
    skipWhitespace();
    if (peek("':'") != ':') {
      throw fail("expected ':'");
    }
    pos++;
    return true;
  }

  /** Inside an array just entered or after an element: true before the next element, false after ']'. */
  private boolean nextElement() throws IOException {
    skipWhitespace();
    byte b = peek("a value or ']'");
    if (b == ']') {
      pos++;
      depth--;
      return false;
    }
    if (afterFirst()) {
      if (b != ',') {
        throw fail("expected ',' or ']'");
      }
      pos++;
    }
    return true;
  }

  /**
   * Whether the container being read already had an entry: the byte before the next token (after
   * whitespace) is its opening bracket exactly when it had none.
   */
  private boolean afterFirst() {
    int i = pos - 1;
    while (isWhitespace(buf[i])) {
      i--;
    }
    return buf[i] != '{' && buf[i] != '[';
  }

  /**
   * Reads one value's start: a scalar whole (its kind returned; strings in strStart/strEnd,
   * integers in intValue), or just the opening bracket of an object or array (then the caller
   * reads its entries, or calls {@link #skipRest}).
   */
  private int value() throws IOException {
    skipWhitespace();
    byte b = peek("a value");
    switch (b) {
      case '{' -> {
        enter();
        return OBJ;
      }
      case '[' -> {
        enter();
        return ARR;
      }
      case '"' -> {
        readString();
        return STR;
      }
      case 't' -> {
        literal("true");
        return TRUE;
      }
      case 'f' -> {
        literal("false");
        return FALSE;
      }
      case 'n' -> {
        literal("null");
        return NULL;
      }
      default -> {
        if (b == '-' || (b >= '0' && b <= '9')) {
          return readNumber();
        }
        throw fail("unexpected character '" + printable(b) + "'");
      }
    }
  }

  private void enter() throws IOException {
    if (++depth > MAX_DEPTH) {
      throw fail("nesting deeper than " + MAX_DEPTH);
    }
    pos++;
  }

  /** Skips one whole value. */
  private void skipValue() throws IOException {
    skipRest(value());
  }

  /** Finishes skipping a value whose start {@link #value()} has read. */
  private void skipRest(int kind) throws IOException {
    if (kind == OBJ) {
      while (nextField()) {
        skipValue();
      }
    } else if (kind == ARR) {
      while (nextElement()) {
        skipValue();
      }
    }
  }

  private void readString() throws IOException {
    int i = pos + 1;
    strStart = i;
    strEscaped = false;
    while (true) {
      if (i >= end) {
        pos = i;
        throw fail("unterminated string");
      }
      byte b = buf[i];
      if (b == '"') {
        strEnd = i;
        pos = i + 1;
        return;
      }
      if (b == '\\') {
        strEscaped = true;
        i = escapeEnd(i);
        continue;
      }
      if (b >= 0 && b < 0x20) {
        pos = i;
        throw fail("unescaped control character in a string");
      }
      i++;
    }
  }

  /** Index after the escape sequence starting at the backslash at {@code i}. */
  private int escapeEnd(int i) throws IOException {
    if (i + 1 >= end) {
      pos = i;
      throw fail("unterminated string");
    }
    switch (buf[i + 1]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return i + 2;
      }
      case 'u' -> {
        if (i + 6 > end) {
          pos = i;
          throw fail("unterminated \\u escape");
        }
        for (int k = i + 2; k < i + 6; k++) {
          if (hex(buf[k]) < 0) {
            pos = k;
            throw fail("invalid \\u escape");
          }
        }
        return i + 6;
      }
      default -> {
        pos = i + 1;
        throw fail("invalid escape '\\" + printable(buf[i + 1]) + "'");
      }
    }
  }

  private int readNumber() throws IOException {
    int i = pos;
    boolean negative = buf[i] == '-';
    if (negative) {
      i++;
    }
    if (i >= end || buf[i] < '0' || buf[i] > '9') {
      pos = i;
      throw fail("expected a digit");
    }
    long magnitude = 0;
    boolean fits = true;
    if (buf[i] == '0') {
      i++;
      if (i < end && buf[i] >= '0' && buf[i] <= '9') {
        pos = i;
        throw fail("leading zero in a number");
      }
    } else {
      while (i < end && buf[i] >= '0' && buf[i] <= '9') {
        if (magnitude > (Long.MAX_VALUE - 9) / 10) {
          fits = false;
        } else {
          magnitude = magnitude * 10 + (buf[i] - '0');
        }
        i++;
      }
    }
    boolean integral = true;
    if (i < end && buf[i] == '.') {
      integral = false;
      i = digits(i + 1);
    }
    if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
      integral = false;
      i++;
      if (i < end && (buf[i] == '+' || buf[i] == '-')) {
        i++;
      }
      i = digits(i);
    }
    pos = i;
    intValue = negative ? -magnitude : magnitude;
    intOk = fits && intValue >= Integer.MIN_VALUE && intValue <= Integer.MAX_VALUE;
    return integral ? INT : FLOAT;
  }

  private int digits(int from) throws IOException {
    int i = from;
    while (i < end && buf[i] >= '0' && buf[i] <= '9') {
      i++;
    }
    if (i == from) {
      pos = i;
      throw fail("expected a digit");
    }
    return i;
  }

  /** The last integer read, as an int; out of range is an error (as the streaming parser's getIntValue). */
  private int intValue() throws IOException {
    if (!intOk) {
      throw fail("integer out of int range");
    }
    return (int) intValue;
  }

  private void literal(String word) throws IOException {
    int n = word.length();
    if (pos + n > end) {
      throw fail("unexpected end of input in '" + word + "'");
    }
    for (int k = 0; k < n; k++) {
      if (buf[pos + k] != word.charAt(k)) {
        throw fail("expected '" + word + "'");
      }
    }
    pos += n;
    if (pos < end && isIdentifierByte(buf[pos])) {
      throw fail("unexpected character '" + printable(buf[pos]) + "' after '" + word + "'");
    }
  }

  private void skipWhitespace() {
    while (pos < end && isWhitespace(buf[pos])) {
      pos++;
    }
  }

  private byte peek(String expected) throws IOException {
    if (pos >= end) {
      throw fail("unexpected end of input, expected " + expected);
    }
    return buf[pos];
  }

  /** Whether the last key is {@code name} (raw bytes, or decoded when the key held escapes). */
  private boolean key(byte[] name) {
    if (!keyEscaped) {
      return matches(keyStart, keyEnd, name);
    }
    return decode(keyStart, keyEnd).equals(new String(name, StandardCharsets.US_ASCII));
  }

  private boolean matches(int from, int to, byte[] name) {
    if (to - from != name.length) {
      return false;
    }
    for (int k = 0; k < name.length; k++) {
      if (buf[from + k] != name[k]) {
        return false;
      }
    }
    return true;
  }

  /** The last string value, decoded (only on the error path: error messages). */
  private String string() {
    return decode(strStart, strEnd);
  }

  private int indexOfBackslash(int from, int to) {
    for (int k = from; k < to; k++) {
      if (buf[k] == '\\') {
        return k;
      }
    }
    return -1;
  }

  /** Decodes raw string bytes already validated by {@link #readString}. */
  private String decode(int from, int to) {
    int firstEscape = indexOfBackslash(from, to);
    if (firstEscape < 0) {
      return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder(to - from);
    out.append(new String(buf, from, firstEscape - from, StandardCharsets.UTF_8));
    int i = firstEscape;
    int runStart = i;
    while (i < to) {
      if (buf[i] != '\\') {
        i++;
        continue;
      }
      out.append(new String(buf, runStart, i - runStart, StandardCharsets.UTF_8));
      byte e = buf[i + 1];
      switch (e) {
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append((char) ((hex(buf[i + 2]) << 12) | (hex(buf[i + 3]) << 8) | (hex(buf[i + 4]) << 4)
            | hex(buf[i + 5])));
        default -> out.append((char) e); // '"', '\\', '/'
      }
      i += e == 'u' ? 6 : 2;
      runStart = i;
    }
    out.append(new String(buf, runStart, to - runStart, StandardCharsets.UTF_8));
    return out.toString();
  }

  private IOException fail(String what) {
    return new IOException(what + " at offset " + pos);
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static boolean isIdentifierByte(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  private static String printable(byte b) {
    return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("0x%02x", b & 0xff);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
