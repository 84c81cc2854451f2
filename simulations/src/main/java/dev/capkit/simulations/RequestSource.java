package dev.capkit.simulations;

import dev.capkit.core.run.InjectorShare;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.LoadShape;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatRequest;

/**
 * Decides, for each Gatling user action, what to send and when: the next planned arrival (open
 * loop, sent at its intended time) or the agent's next turn (closed loop, sent now). Registers
 * each request with the {@link LoadRun} so its step waits for it.
 */
public final class RequestSource {
  /** Session attribute holding a closed-loop agent's turn within its task. */
  public static final String TURN_KEY = "capkit.turn";

  private final LoadRun run;
  private final ArrivalSchedule schedule;
  private final RequestFactory factory;
  private final ChatClient client;
  private final InjectorShare share;
  private final ConcurrencyCap cap;

  /** A request ready to go. */
  public record Planned(ChatRequest request, int step, long intendedNanoTime, boolean open) {}

  public RequestSource(LoadRun run, ArrivalSchedule schedule, RequestFactory factory, ChatClient client, InjectorShare share) {
    this.share = share;
    this.run = run;
    this.schedule = schedule;
    this.factory = factory;
    this.client = client;
    int max = run.scenario().load() instanceof LoadShape.Open open ? open.maxConcurrency() : 0;
    // an injector's share of the cap: its share of the arrivals
    this.cap = max > 0 ? new ConcurrencyCap(Math.max(1, share.agents(max))) : null;
  }

  /**
   * Sends a planned request, through the concurrency cap when the scenario sets one: an arrival that
   * finds the cap full waits for a slot, and the wait is schedule lag (its intended-time latencies
   * include it). The future completes with the request's record.
   */
  public java.util.concurrent.CompletableFuture<RequestRecord> send(Planned p) {
    if (cap == null) {
      return client.send(p.request(), lag(p));
    }
    java.util.concurrent.CompletableFuture<RequestRecord> out = new java.util.concurrent.CompletableFuture<>();
    cap.run(() -> client.send(p.request(), lag(p)).whenComplete((record, error) -> {
      cap.release();
      if (error != null) {
        out.completeExceptionally(error);
      } else {
        out.complete(record);
      }
    }));
    return out;
  }

  /**
   * Whether {@link #sendAtIntended} applies: an open-loop arrival with no concurrency cap (a capped arrival may have
   * to wait for a slot, which {@link #send} handles).
   */
  public boolean sendsAtIntended(Planned p) {
    return cap == null && p.open();
  }

  /**
   * Hands an open-loop arrival to the client now, to be sent by the client's event loop at its intended time
   * ({@link ChatClient#sendAt}: arrivals handed over together cost the event loop one wake-up, not one each); the
   * run hears of the send ({@link LoadRun#sending}) when it goes out. The schedule lag is the send's lateness.
   */
  public java.util.concurrent.CompletableFuture<RequestRecord> sendAtIntended(Planned p) {
    int step = p.step();
    return client.sendAt(p.request(), p.intendedNanoTime(), () -> run.sending(step));
  }

  private static long lag(Planned p) {
    return p.open() ? Math.max(0, System.nanoTime() - p.intendedNanoTime()) : 0;
  }

  /** Open loop: planned arrivals (rates or a trace's own timing); closed loop: agents. */
  public static boolean isOpen(LoadShape load) {
    return !(load instanceof LoadShape.Closed);
  }

  /** Model calls in the task of Gatling user {@code userId} (closed loop): a recording's length, or stepsPerTask. */
  public int turnsOfTask(long userId) {
    LoadShape.Closed closed = (LoadShape.Closed) run.scenario().load();
    return factory.turnsOfTask(agent(userId), closed.stepsPerTask());
  }

  /** Think time after turn {@code turn} (0-based) of Gatling user {@code userId}: recorded, or the scenario's. */
  public java.time.Duration thinkAfter(long userId, int turn) {
    LoadShape.Closed closed = (LoadShape.Closed) run.scenario().load();
    return factory.thinkAfter(agent(userId), turn, closed.thinkTime());
  }

  /** Gatling numbers users from 1 in every JVM: injector i of N runs agents i, i+N, ... of the whole. */
  private long agent(long userId) {
    return (userId - 1) * share.count() + share.index();
  }

  /**
   * The next request for a user, or null when there is nothing left to send.
   *
   * @param userId the Gatling user (seeds closed-loop content)
   * @param turn   the agent's turn within its task (closed loop); ignored for open loop
   */
  public Planned plan(long userId, int turn) {
    long now = System.nanoTime();
    if (schedule != null) {
      Arrival a = schedule.take();
      if (a == null) {
        return null;
      }
      // Users of second k are injected at origin + k s; the first one fixes the origin.
      long origin = run.startAt(now - (a.offsetNanos() / 1_000_000_000L) * 1_000_000_000L);
      if (!schedule.claim(a)) {
        return null; // its step closed before this injector got to it: counted there as not sent
      }
      run.register(a.step());
      return new Planned(factory.forArrival(a), a.step(), origin + a.offsetNanos(), true);
    }
    run.startAt(now);
    int step = run.stepAt(now);
    if (step == -1) {
      return null; // past the last step (LEAD_IN: a warm-up turn, sent and not recorded)
    }
    run.register(step);
    return new Planned(factory.forAgentTurn(agent(userId), turn), step, now, false);
  }

  public ChatClient client() {
    return client;
  }

  public LoadRun run() {
    return run;
  }

  /**
   * Gives up the planned arrivals of {@code step} that were never sent (the load generator fell
   * behind by more than the step's drain time) and records each as {@link Outcome#NOT_SENT}, so
   * the step's requests still add up to the plan. Called as the step closes.
   */
  public void abandonUnsent(int step) {
    if (schedule == null) {
      return;
    }
    for (Arrival a : schedule.abandon(step)) {
      String kind = run.scenario().mix().get(a.mixIndex()).kind();
      run.record(step, new RequestRecord("not-sent-a" + a.sequence(), "", kind, System.currentTimeMillis() * 1000, -1, -1, -1,
          new long[0], -1, -1, Outcome.NOT_SENT, 0, "planned but not sent before step " + step + " closed"));
    }
  }

  /** A record for a request whose client future failed unexpectedly (a capkit bug, counted not hidden). */
  public RequestRecord crashed(Planned planned, Throwable error) {
    return new RequestRecord("crashed-" + System.nanoTime(), "", planned.request().kind(),
        System.currentTimeMillis() * 1000, 0, -1, -1, new long[0], -1, -1, Outcome.INVALID_RESPONSE, 0,
        "capkit client error: " + error);
  }
}
