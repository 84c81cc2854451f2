package dev.capkit.loadgen;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.workload.TraceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Replays a timestamped trace open-loop: line {@code i} is sent at its own time in the trace
 * ({@link TraceRequest#offsetMicros()}) divided by {@code speed} (2.0 = twice as fast), after the
 * replay's origin, whether or not earlier requests have answered. The send plan comes from the
 * trace, not from a rate.
 *
 * <p>Coordinated omission is accounted as for Poisson arrivals: each request's intended send time
 * is fixed by the plan, the schedule lag (actual minus intended send time, 0 or more) goes into its
 * {@link RequestRecord#scheduleLagNanos()}, and latencies from the intended time add it. The sender
 * builds the next request before its time comes, parks until shortly before it and spins the
 * rest, so on an idle machine the lag is the cost of the send call itself; on a busy machine the
 * lag grows and is recorded, never hidden. Requests are built on a second thread up to
 * {@link #LOOKAHEAD} lines ahead of the sender, so building prompts never delays a send and a long
 * trace is never held in memory whole.
 *
 * <pre>{@code
 * var replay = new TraceReplay(MooncakeTraceReader.read(path), 1.0);
 * List<RequestRecord> records = replay.run(client, new TracePromptRequests("trace", model, true, false, seed)).join();
 * }</pre>
 */
public final class TraceReplay {
  /** Park until this close to the intended time, then spin (the scheduler's wake-up slack). */
  static final long SPIN_NANOS = 200_000;
  /** Requests built ahead of the sender. */
  static final int LOOKAHEAD = 256;

  private final List<TraceRequest> lines;
  private final double speed;

  public TraceReplay(List<TraceRequest> lines, double speed) {
    this.lines = List.copyOf(lines);
    if (!(speed > 0) || speed > 1_000) {
      throw new IllegalArgumentException("speed must be in (0, 1000], got " + speed);
    }
    this.speed = speed;
  }

  /** Intended send time of line {@code i}, nanoseconds after the replay's origin. */
  public long intendedNanos(int i) {
    return Math.round(lines.get(i).offsetMicros() * 1_000.0 / speed);
  }

  public int size() {
    return lines.size();
  }

  /**
   * Sends every line on the calling thread at its intended time (this call returns when the last
   * one is sent) and returns the records, in trace order, once all have answered.
   */
  public CompletableFuture<List<RequestRecord>> run(ChatClient client, TracePromptRequests prompts) {
    Objects.requireNonNull(client, "client");
    BlockingQueue<ChatRequest> ready = new ArrayBlockingQueue<>(LOOKAHEAD);
    Thread builder = new Thread(() -> build(prompts, ready), "capkit-trace-builder");
    builder.setDaemon(true);
    builder.start();
    List<CompletableFuture<RequestRecord>> sent = new ArrayList<>(lines.size());
    try {
      ChatRequest first = ready.take(); // the origin waits for the first request, not the reverse
      long origin = System.nanoTime();
      for (int i = 0; i < lines.size(); i++) {
        ChatRequest request = i == 0 ? first : ready.take();
        long intended = origin + intendedNanos(i);
        waitUntil(intended);
        sent.add(client.send(request, Math.max(0, System.nanoTime() - intended)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      builder.interrupt();
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .thenApply(done -> sent.stream().map(CompletableFuture::join).toList());
  }

  private void build(TracePromptRequests prompts, BlockingQueue<ChatRequest> ready) {
    try {
      for (TraceRequest line : lines) {
        ready.put(prompts.request(line).withPlanKey("trace-l" + line.line()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitUntil(long deadline) {
    long left = deadline - System.nanoTime();
    while (left > SPIN_NANOS) {
      LockSupport.parkNanos(left - SPIN_NANOS);
      left = deadline - System.nanoTime();
    }
    while (System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }
}
