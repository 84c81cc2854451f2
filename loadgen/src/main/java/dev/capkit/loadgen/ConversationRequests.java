package dev.capkit.loadgen;

import dev.capkit.core.workload.ChatConversation;
import dev.capkit.core.workload.ChatTurn;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Chat requests from recorded conversations ({@code sharegpt-v1}, {@link ChatConversation}): one
 * request per user turn, re-sending every turn before it (the recorded assistant answers, as a chat
 * client re-sends its history) and the user turn itself. {@code max_tokens} is the recorded answer's
 * length at {@value TextChatRequests#CHARS_PER_TOKEN} characters per token (an estimate; at least 16),
 * or {@code fallbackMaxTokens} when the conversation ends on the user turn.
 *
 * <pre>{@code
 * var chats = new ConversationRequests("chat", model, true, 512);
 * List<ChatRequest> turns = chats.requests(conversation);
 * }</pre>
 * Thread-safe.
 */
public final class ConversationRequests {
  private final String kind;
  private final String model;
  private final boolean stream;
  private final int fallbackMaxTokens;

  public ConversationRequests(String kind, String model, boolean stream, int fallbackMaxTokens) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.model = Objects.requireNonNull(model, "model");
    this.stream = stream;
    if (fallbackMaxTokens < 1) {
      throw new IllegalArgumentException("fallbackMaxTokens must be >= 1, got " + fallbackMaxTokens);
    }
    this.fallbackMaxTokens = fallbackMaxTokens;
  }

  /** The requests of one conversation, one per user turn, in order. */
  public List<ChatRequest> requests(ChatConversation conversation) {
    List<ChatTurn> turns = conversation.turns();
    List<ChatRequest> out = new ArrayList<>();
    for (int i = 0; i < turns.size(); i++) {
      if (turns.get(i).role().equals("user")) {
        int maxTokens = i + 1 < turns.size()
            ? Math.max(16, turns.get(i + 1).text().length() / TextChatRequests.CHARS_PER_TOKEN) : fallbackMaxTokens;
        out.add(request(turns.subList(0, i + 1), maxTokens));
      }
    }
    return out;
  }

  private ChatRequest request(List<ChatTurn> turns, int maxTokens) {
    JsonSegments.Builder body = new JsonSegments.Builder().raw("{\"model\":").quoted(model).raw(",\"messages\":[");
    int chars = 0;
    for (int i = 0; i < turns.size(); i++) {
      body.raw(i == 0 ? "{\"role\":" : ",{\"role\":").quoted(turns.get(i).role())
          .raw(",\"content\":").quoted(turns.get(i).text()).raw("}");
      chars += turns.get(i).text().length();
    }
    body.raw("],\"max_tokens\":" + maxTokens + ",\"temperature\":0.0"
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : ",\"stream\":false}"));
    return new ChatRequest(kind, stream, body.build(), 0, chars);
  }
}
