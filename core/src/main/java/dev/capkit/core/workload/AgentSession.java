package dev.capkit.core.workload;

import java.util.List;

/**
 * A recorded phone-agent session: one task's model calls in order, replayed closed-loop (each call
 * waits for the previous answer and its think time).
 *
 * @param task  the task text (consecutive lines of one task form one session)
 * @param steps the calls, in file order
 */
public record AgentSession(String task, List<SessionStep> steps) {
  public AgentSession {
    steps = List.copyOf(steps);
  }
}
