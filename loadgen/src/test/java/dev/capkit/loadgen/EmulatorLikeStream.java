package dev.capkit.loadgen;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one streamed chat response as capkit's emulator writes it (same chunk JSON as its
 * {@code ChatResponder}: role chunk, one content chunk per token, the last with
 * {@code finish_reason}, the usage chunk, {@code [DONE]}), each SSE event as its own HTTP chunk and
 * each HTTP chunk as its own network read. For benchmarks and tests of the client path without a
 * socket.
 */
final class EmulatorLikeStream {

  static final String HEADERS = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
      + "cache-control: no-cache\r\ntransfer-encoding: chunked\r\nx-request-id: 0123456789abcdef0123456789abcdef\r\n\r\n";

  private EmulatorLikeStream() {}

  /** SSE events (each {@code data: ...\n\n}) of a response with {@code tokens} content tokens. */
  static List<String> events(int tokens, int promptTokens) {
    String prefix = "{\"id\":\"chatcmpl-6b1f3c2a9d8e4f7a\",\"object\":\"chat.completion.chunk\",\"created\":1764650000"
        + ",\"model\":\"autoglm-phone-9b\",\"choices\":[{\"index\":0,\"delta\":";
    List<String> events = new ArrayList<>();
    events.add("data: " + prefix + "{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    String[] words = {"open", " the", " settings", " app", ",", " then", " tap", " \\\"Wi-Fi\\\"", " and", " wait", "."};
    for (int i = 0; i < tokens; i++) {
      String finish = i == tokens - 1 ? "\"length\"" : "null";
      events.add("data: " + prefix + "{\"content\":\"" + words[i % words.length] + "\"},\"logprobs\":null,\"finish_reason\":"
          + finish + "}]}\n\n");
    }
    events.add("data: {\"id\":\"chatcmpl-6b1f3c2a9d8e4f7a\",\"object\":\"chat.completion.chunk\",\"created\":1764650000"
        + ",\"model\":\"autoglm-phone-9b\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"total_tokens\":"
        + (promptTokens + tokens) + ",\"completion_tokens\":" + tokens + ",\"prompt_tokens_details\":null}}\n\n");
    events.add("data: [DONE]\n\n");
    return events;
  }

  /** Network reads of the whole HTTP response: headers, then one chunk per event, then the terminator. */
  static List<byte[]> httpReads(int tokens, int promptTokens) {
    List<byte[]> reads = new ArrayList<>();
    reads.add(HEADERS.getBytes(StandardCharsets.US_ASCII));
    for (String event : events(tokens, promptTokens)) {
      byte[] data = event.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream chunk = new ByteArrayOutputStream();
      chunk.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunk.writeBytes(data);
      chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      reads.add(chunk.toByteArray());
    }
    reads.add("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return reads;
  }
}
