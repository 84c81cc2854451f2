package dev.capkit.core.workload;

import java.util.List;

/**
 * A recorded chat conversation: replayed as one request per user turn, each re-sending the turns before it.
 *
 * @param line  1-based line of the file
 * @param id    the conversation's {@code id}, or {@code line<N>} when it has none
 * @param turns the turns in order
 */
public record ChatConversation(int line, String id, List<ChatTurn> turns) {
  public ChatConversation {
    turns = List.copyOf(turns);
  }
}
