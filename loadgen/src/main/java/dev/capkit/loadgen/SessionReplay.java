package dev.capkit.loadgen;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.workload.AgentSession;
import dev.capkit.core.workload.SessionStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Replays recorded agent sessions closed-loop: {@code agents} agents, agent {@code a} working
 * through sessions {@code a, a + agents, ...} in order; within a session each step is sent when
 * the previous step's answer has ended and its recorded think time (times {@code thinkScale})
 * has passed, as the agent that recorded it did. Closed-loop requests have no schedule lag.
 *
 * <pre>{@code
 * var replay = new SessionReplay(AgentSessionReader.read(path), 4, 1.0);
 * List<RequestRecord> records = replay.run(client, new SessionRequests("phone-step", model, Language.EN)).join();
 * }</pre>
 */
public final class SessionReplay {
  private final List<AgentSession> sessions;
  private final int agents;
  private final double thinkScale;

  public SessionReplay(List<AgentSession> sessions, int agents, double thinkScale) {
    this.sessions = List.copyOf(sessions);
    if (agents < 1) {
      throw new IllegalArgumentException("agents must be >= 1, got " + agents);
    }
    if (!(thinkScale >= 0)) {
      throw new IllegalArgumentException("thinkScale must be >= 0, got " + thinkScale);
    }
    this.agents = agents;
    this.thinkScale = thinkScale;
  }

  /** Runs every agent to the end of its sessions; the records of all steps, in completion order. */
  public CompletableFuture<List<RequestRecord>> run(ChatClient client, SessionRequests requests) {
    List<RequestRecord> records = Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "capkit-session-think");
      t.setDaemon(true);
      return t;
    });
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int a = 0; a < Math.min(agents, sessions.size()); a++) {
      List<SessionStep> steps = new ArrayList<>();
      for (int s = a; s < sessions.size(); s += agents) {
        steps.addAll(sessions.get(s).steps());
      }
      running.add(next(client, requests, steps, 0, records, timer));
    }
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> timer.shutdown())
        .thenApply(v -> List.copyOf(records));
  }

  private CompletableFuture<Void> next(ChatClient client, SessionRequests requests, List<SessionStep> steps, int i,
      List<RequestRecord> records, ScheduledExecutorService timer) {
    if (i == steps.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return client.send(requests.request(steps.get(i)), 0L).thenCompose(record -> {
      records.add(record);
      long think = Math.round(steps.get(i).thinkMillis() * 1_000_000.0 * thinkScale);
      CompletableFuture<Void> waited = new CompletableFuture<>();
      timer.schedule(() -> waited.complete(null), think, TimeUnit.NANOSECONDS);
      return waited.thenCompose(v -> next(client, requests, steps, i + 1, records, timer));
    });
  }
}
