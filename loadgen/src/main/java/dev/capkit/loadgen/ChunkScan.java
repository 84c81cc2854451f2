package dev.capkit.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads the few facts capkit needs from one chat-completion JSON (a streamed
 * {@code chat.completion.chunk} or a whole non-streamed {@code chat.completion}) with Jackson's
 * streaming parser: no tree, no String per token.
 *
 * <p>Facts: whether the first choice carries generated text ({@code delta.content},
 * {@code delta.reasoning_content} or {@code delta.reasoning}, or {@code message.*} for a whole
 * response, or {@code text} for the completions API); whether it has a {@code finish_reason};
 * {@code usage} token counts; and an error object ({@code {"error":{...}}} or vLLM's older
 * {@code {"object":"error","message":...}}).
 *
 * <p>Mutable and reused for every event of a response on purpose: a stream of 3,000 chunks must
 * not allocate 3,000 result objects on the event loop. Not thread-safe.
 */
final class ChunkScan {

  private static final JsonFactory JSON = new JsonFactory();

  boolean content;
  boolean finished;
  int promptTokens;
  int completionTokens;
  boolean error;
  String errorMessage;
  int errorCode;

  /** Scans {@code buf[off, off+len)}; throws on malformed JSON. */
  void scan(byte[] buf, int off, int len) throws IOException {
    content = false;
    finished = false;
    promptTokens = -1;
    completionTokens = -1;
    error = false;
    errorMessage = null;
    errorCode = -1;
    try (JsonParser p = JSON.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "choices" -> readChoices(p, value);
          case "usage" -> readUsage(p, value);
          case "error" -> readError(p, value);
          // length check first: no String for the usual "chat.completion.chunk"
          case "object" -> error |= value == JsonToken.VALUE_STRING && p.getTextLength() == 5
              && "error".equals(p.getText());
          case "message" -> errorMessage = value == JsonToken.VALUE_STRING ? p.getText() : errorMessage;
          case "code" -> errorCode = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : errorCode;
          default -> p.skipChildren();
        }
      }
      if (!error) {
        errorMessage = null;
        errorCode = -1;
      }
    }
  }

  private void readChoices(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    boolean first = true;
    while (p.nextToken() == JsonToken.START_OBJECT) {
      if (!first) {
        p.skipChildren(); // capkit sends n=1; only the first choice is measured
        continue;
      }
      first = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "delta", "message" -> readDelta(p, v);
          case "text" -> content |= nonEmptyString(p, v);
          case "finish_reason" -> finished |= v != JsonToken.VALUE_NULL;
          default -> p.skipChildren();
        }
      }
    }
  }

  private void readDelta(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        // Reasoning text is generated output too: see StreamTimings on why it counts for TTFT.
        case "content", "reasoning_content", "reasoning" -> content |= nonEmptyString(p, v);
        default -> p.skipChildren();
      }
    }
  }

  private void readUsage(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NUMBER_INT && "prompt_tokens".equals(name)) {
        promptTokens = p.getIntValue();
      } else if (v == JsonToken.VALUE_NUMBER_INT && "completion_tokens".equals(name)) {
        completionTokens = p.getIntValue();
      } else {
        p.skipChildren();
      }
    }
  }

  private void readError(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return;
    }
    error = true;
    if (value == JsonToken.VALUE_STRING) {
      errorMessage = p.getText();
      return;
    }
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("message".equals(name) && v == JsonToken.VALUE_STRING) {
        errorMessage = p.getText();
      } else if ("code".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
        errorCode = p.getIntValue();
      } else {
        p.skipChildren();
      }
    }
  }

  private static boolean nonEmptyString(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_STRING && p.getTextLength() > 0;
  }
}
