package dev.capkit.simulations;

import dev.capkit.core.results.RequestRecord;
import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.util.concurrent.TimeUnit;
import scala.Option;

/**
 * A Gatling action that sends one chat completion with capkit's own streaming client and reports it
 * to Gatling's stats engine under the request kind's name (E2E) and {@code "<kind> ttft"} (TTFT),
 * so Gatling's report and assertions see it. capkit's results (nanosecond chunk timings, outcomes,
 * coordinated-omission correction) are recorded by the {@link LoadRun}.
 *
 * <p>Why not Gatling's SSE support: its message timestamps are milliseconds, and after a broken
 * stream it reconnects and re-sends the POST after 3 s, which would hide a failure and double the
 * model's work. Here a broken stream is one failed request, never retried.
 *
 * <p>The action never blocks its event loop: an open-loop arrival without a concurrency cap is handed to
 * the client at once and waits for its intended send time on a timer of the client's event loop
 * ({@code ChatClient.sendAt}); otherwise the wait is a timer on the session's event loop. The request
 * runs on the client's threads, and the session moves on from the event loop once the record is in.
 */
final class ChatAction extends JavaAction {
  private final String name;
  private final RequestSource source;
  private final StatsEngine statsEngine;
  private final Action next;

  ChatAction(String name, RequestSource source, StatsEngine statsEngine, Action next) {
    this.name = name;
    this.source = source;
    this.statsEngine = statsEngine;
    this.next = next;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void execute(Session session) {
    RequestSource.Planned planned = source.plan(session.userId(), turnOf(session));
    if (planned == null) {
      next.$bang(session); // the schedule is used up or the load is over: nothing to send
      return;
    }
    if (source.sendsAtIntended(planned)) {
      // open loop: the client's event loop waits for the intended time and sends (one hand-over per batch of users)
      complete(session, planned, source.sendAtIntended(planned));
      return;
    }
    long delay = planned.intendedNanoTime() - System.nanoTime();
    if (delay > 0) {
      session.eventLoop().schedule(() -> send(session, planned), delay, TimeUnit.NANOSECONDS);
    } else {
      send(session, planned);
    }
  }

  private void send(Session session, RequestSource.Planned planned) {
    source.run().sending(planned.step());
    complete(session, planned, source.send(planned));
  }

  private void complete(Session session, RequestSource.Planned planned,
      java.util.concurrent.CompletableFuture<RequestRecord> answer) {
    answer.whenComplete((record, error) -> {
      RequestRecord r = record != null ? record : source.crashed(planned, error);
      source.run().record(planned.step(), r);
      session.eventLoop().execute(() -> {
        report(statsEngine, session, r);
        Session after = r.ok() ? session : session.markAsFailed();
        next.$bang(after.set(RequestSource.TURN_KEY, turnOf(session) + 1));
      });
    });
  }

  /** Reports a finished request to Gatling under its kind's name (E2E) and {@code "<kind> ttft"}. */
  static void report(StatsEngine statsEngine, Session session, RequestRecord r) {
    long start = r.startEpochMicros() / 1000;
    long end = (r.startEpochMicros() + Math.max(0, r.e2eNanos()) / 1000) / 1000;
    Option<String> code = r.httpStatus() > 0 ? Option.apply(Integer.toString(r.httpStatus())) : Option.empty();
    if (r.ok()) {
      statsEngine.logResponse(session.scenario(), session.groups(), r.kind(), start, end, OK$.MODULE$, code, Option.empty());
      if (r.ttftNanos() >= 0) {
        long ttftEnd = (r.startEpochMicros() + r.ttftNanos() / 1000) / 1000;
        statsEngine.logResponse(session.scenario(), session.groups(), r.kind() + " ttft", start, ttftEnd, OK$.MODULE$, code, Option.empty());
      }
    } else {
      String message = r.outcome().key() + (r.error().isEmpty() ? "" : ": " + r.error());
      statsEngine.logResponse(session.scenario(), session.groups(), r.kind(), start, end, KO$.MODULE$, code, Option.apply(message));
    }
  }

  private static int turnOf(Session session) {
    Object turn = session.attributes().getOrElse(RequestSource.TURN_KEY, () -> 0);
    return (Integer) turn;
  }
}
