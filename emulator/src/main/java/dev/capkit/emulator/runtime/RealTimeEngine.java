package dev.capkit.emulator.runtime;

import dev.capkit.twin.engine.ContinuousBatchingEngine;
import dev.capkit.twin.engine.EngineRequest;
import dev.capkit.twin.engine.EngineStep;
import dev.capkit.twin.engine.Emission;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link ContinuousBatchingEngine} on the wall clock, on one thread ({@code capkit-engine}):
 * steps run back to back as on a GPU; a step that starts at {@code t} with modelled time {@code d}
 * delivers its tokens at {@code t + d} (the next step starts at {@code t + d} too, so lateness never
 * accumulates into the schedule). Requests arriving during a step join at the next step, as in vLLM.
 *
 * <p>Admission is bounded: {@link #submit} refuses (returns false) when {@code maxWaiting} requests
 * are already waiting, or {@code maxInFlight} are admitted and unfinished, so overload answers 429 instead of
 * growing. The second bound is the emulator's own (vLLM has none): with a large {@code max_num_seqs} every admitted
 * request decodes in every step, so when arrivals outpace the event loops each request's tokens come slower the more
 * there are, and without a bound none finishes (and the heap fills) while the emulator writes at its full rate. Delivery is bounded too: the
 * engine thread pauses while more than {@value #MAX_OUTSTANDING_BATCHES} delivery batches are queued
 * on the event loops (matters only in the instant profile, where steps take no time).
 *
 * <p>Flushes: a delivery batch writes its tokens and flushes each connection it touched, unless the
 * next batch for the same event loop is already queued and due (its step has ended): then the flush
 * is left to that batch, so a connection that gets a token in both goes out in one {@code writev}
 * instead of two. This happens only when an event loop is behind the engine (in the instant
 * profile at high rates, where steps take no time); the tokens go out when the due batch has
 * written, which is not later than they would have without it. vLLM's API server merges more: when
 * its stream consumer falls behind the engine, several tokens become one SSE event
 * ({@code RequestOutputCollector}); here each token stays its own event.
 */
public final class RealTimeEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RealTimeEngine.class);
  static final int MAX_OUTSTANDING_BATCHES = 64;
  /**
   * Delivery tasks are handed to the event loops this long before the step ends and wait there
   * (spinning) for the exact end: parkNanos oversleeps by ~0.1 ms (p50) to ~0.4 ms (p99) and an
   * event-loop wake-up takes ~0.04 ms (p50) to ~0.7 ms (p99) on this VM, which would otherwise add
   * straight to the token-timing error. Tokens are never written before their step's end.
   */
  static final long HANDOFF_LEAD_NANOS = 500_000L;
  /**
   * Hand-off lead for sinks whose executor schedules precisely ({@link TokenSink#preciseSchedule()}:
   * Netty epoll event loops, woken by a timerfd). The delivery task is scheduled to start
   * {@value #TIMED_SPIN_NANOS} ns before the step's end (a timerfd wake-up lands ~0.1 ms after its
   * deadline here) and spins only that long, so the event loops sleep through the rest of the lead
   * instead of spinning 0.5 ms each per step; the longer lead leaves the engine thread's parkNanos
   * more room.
   */
  static final long TIMED_HANDOFF_LEAD_NANOS = 1_000_000L;
  static final long TIMED_SPIN_NANOS = 200_000L;

  private final ContinuousBatchingEngine engine;
  private final EngineMetrics metrics;
  private final int maxWaiting;
  private final int maxInFlight;
  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inboxRequests = new AtomicInteger();
  private final AtomicInteger outstandingBatches = new AtomicInteger();
  private final Thread thread;
  private volatile int waitingSnapshot;
  private volatile boolean closed;

  /** Submitted requests still in their host-side time (API server path, image preprocessing); engine thread only. */
  private final java.util.PriorityQueue<long[]> hostQueue = new java.util.PriorityQueue<>(
      java.util.Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
  private final Map<Long, EngineRequest> hostRequests = new java.util.HashMap<>();
  private final java.util.function.ToDoubleFunction<EngineRequest> hostSeconds;
  private long hostSeq;

  public RealTimeEngine(ContinuousBatchingEngine engine, EngineMetrics metrics, int maxWaiting) {
    this(engine, metrics, maxWaiting, r -> 0.0);
  }

  /**
   * @param hostSeconds host-side time of a request before it joins the engine (TwinCoefficients#requestHostSeconds)
   */
  public RealTimeEngine(ContinuousBatchingEngine engine, EngineMetrics metrics, int maxWaiting,
      java.util.function.ToDoubleFunction<EngineRequest> hostSeconds) {
    this(engine, metrics, maxWaiting, Integer.MAX_VALUE, hostSeconds);
  }

  /**
   * @param maxInFlight bound on requests admitted and not yet finished or aborted (running, waiting, in their
   *                    host-side time): beyond it {@link #submit} refuses, as for a full waiting queue
   */
  public RealTimeEngine(ContinuousBatchingEngine engine, EngineMetrics metrics, int maxWaiting, int maxInFlight,
      java.util.function.ToDoubleFunction<EngineRequest> hostSeconds) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    this.hostSeconds = hostSeconds;
    this.engine = engine;
    this.metrics = metrics;
    this.maxWaiting = maxWaiting;
    this.thread = new Thread(this::loop, "capkit-engine");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code r} (whose attachment must be a {@link TokenSink}); false when the waiting queue is full. */
  public boolean submit(EngineRequest r) {
    if (!(r.attachment() instanceof TokenSink)) {
      throw new IllegalArgumentException("request " + r.id() + " needs a TokenSink attachment");
    }
    if (closed || waitingSnapshot + inboxRequests.get() >= maxWaiting || metrics.inFlight() >= maxInFlight) {
      metrics.rejected();
      return false;
    }
    inboxRequests.incrementAndGet();
    double host = hostSeconds.applyAsDouble(r);
    metrics.admitted(r.promptChars(), r.imagePixels(), host);
    long ready = System.nanoTime() + Math.round(host * 1e9);
    inbox.add(() -> {
      long seq = hostSeq++;
      hostRequests.put(seq, r);
      hostQueue.add(new long[] {ready, seq});
    });
    LockSupport.unpark(thread);
    return true;
  }

  /** The client went away: drop the request and free its KV blocks. */
  public void abort(EngineRequest r) {
    inbox.add(() -> {
      if (hostRequests.values().remove(r)) {
        inboxRequests.decrementAndGet();
        metrics.released(r.imagePixels());
        return;
      }
      if (!r.isFinished()) {
        engine.abort(r);
        metrics.released(r.imagePixels());
      }
    });
    LockSupport.unpark(thread);
  }

  /**
   * Runs {@code command} on the engine thread (between steps) and waits for it; its exception is rethrown here.
   * For settings that apply to the calling thread, e.g. SCHED_FIFO ({@code EmbeddedEmulator#realtime}).
   */
  public void onEngineThread(Runnable command) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    inbox.add(() -> {
      try {
        command.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    LockSupport.unpark(thread);
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the engine thread did not run the command within 10 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The bound on requests in flight this engine was made with. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** Requests waiting (queued in the engine or not yet handed to it). */
  public int waiting() {
    return waitingSnapshot + inboxRequests.get();
  }

  private void loop() {
    long prevEnd = System.nanoTime();
    boolean busy = false;
    try {
      while (!closed) {
        drainInbox();
        long nextReady = admitReady();
        if (!engine.hasWork()) {
          busy = false;
          publish(engine.runningCount(), engine.waitingCount(), engine.kvUsage());
          LockSupport.parkNanos(Math.max(1, Math.min(50_000_000L, nextReady - System.nanoTime())));
          continue;
        }
        long start = busy ? prevEnd : System.nanoTime();
        EngineStep step = engine.step();
        long end = start + Math.round(step.seconds() * 1e9);
        metrics.step(step.running() + step.emissions().size(), step.emissions().size(), step.preempted());
        metrics.gpuBusy(step.seconds());
        metrics.prefixCache(engine.prefixCacheQueries(), engine.prefixCacheHits());
        publish(step.running(), step.waiting(), step.kvUsage());
        List<Delivery> deliveries = group(step.emissions());
        sleepUntil(end - leadNanos(deliveries));
        dispatch(deliveries, end);
        prevEnd = end;
        busy = true;
        while (outstandingBatches.get() > MAX_OUTSTANDING_BATCHES && !closed) {
          LockSupport.parkNanos(100_000L);
        }
      }
    } catch (RuntimeException | Error e) {
      LOG.error("engine thread stopped: {}", e.toString(), e);
      throw e;
    }
  }

  /** Hands requests whose host-side time is over to the engine; returns the next one's ready time (or far away). */
  private long admitReady() {
    long now = System.nanoTime();
    while (!hostQueue.isEmpty()) {
      long[] head = hostQueue.peek();
      if (head[0] - now > 0) {
        return head[0];
      }
      hostQueue.poll();
      EngineRequest r = hostRequests.remove(head[1]);
      if (r == null) {
        continue; // aborted during its host-side time
      }
      inboxRequests.decrementAndGet();
      engine.add(r);
      metrics.promptTokens(r.promptTokens());
    }
    return now + 50_000_000L;
  }

  private void publish(int running, int waiting, double kv) {
    waitingSnapshot = waiting;
    metrics.gauges(running, waiting, kv);
  }

  private void drainInbox() {
    Runnable command;
    while ((command = inbox.poll()) != null) {
      command.run();
    }
  }

  private void sleepUntil(long deadline) {
    long remaining;
    while ((remaining = deadline - System.nanoTime()) > 0 && !closed) {
      LockSupport.parkNanos(remaining);
    }
  }

  /** One step's tokens for one executor; {@code timed} when it can be scheduled precisely. */
  private record Delivery(Executor executor, DeliveryLane lane, boolean timed, List<Emission> emissions) {}

  /**
   * The delivery batches of one executor: how many are queued and the latest one's step end (written
   * by the engine thread), and the sinks whose flush a batch left to the next one (executor only).
   */
  private static final class DeliveryLane {
    final AtomicInteger queued = new AtomicInteger();
    volatile long latestScheduledNanos;
    final List<TokenSink> unflushed = new ArrayList<>();
  }

  /** Lanes by executor; engine thread only (event loops are few and live as long as the server). */
  private final Map<Executor, DeliveryLane> lanes = new IdentityHashMap<>();

  private List<Delivery> group(List<Emission> emissions) {
    if (emissions.isEmpty()) {
      return List.of();
    }
    // Event loops are few (one or two here): a linear search beats a map, and each list is sized once for the
    // whole step (growing them from 10 was a fifth of the emulator's allocation at 1,000 req/s, instant profile).
    List<Delivery> out = new ArrayList<>(2);
    int capacity = emissions.size();
    for (Emission e : emissions) {
      TokenSink sink = (TokenSink) e.request().attachment();
      Executor executor = sink.executor();
      Delivery d = null;
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).executor() == executor) {
          d = out.get(i);
          break;
        }
      }
      if (d == null) {
        d = new Delivery(executor, lanes.computeIfAbsent(executor, x -> new DeliveryLane()),
            sink.preciseSchedule() && executor instanceof ScheduledExecutorService, new ArrayList<>(capacity));
        out.add(d);
      }
      d.emissions().add(e);
    }
    return out;
  }

  private static long leadNanos(List<Delivery> deliveries) {
    for (Delivery d : deliveries) {
      if (!d.timed()) {
        return HANDOFF_LEAD_NANOS;
      }
    }
    return TIMED_HANDOFF_LEAD_NANOS;
  }

  private void dispatch(List<Delivery> deliveries, long scheduledNanos) {
    if (deliveries.isEmpty()) {
      return;
    }
    // When the engine thread is behind real time (busy steps chain from the previous step's modelled end, so an
    // overloaded emulator's timeline falls behind the clock), the tokens go out now, not at their modelled time, and a
    // request that arrived after that modelled time would get a negative TTFT: vLLM's histograms never see one.
    long outAt = Math.max(scheduledNanos, System.nanoTime());
    for (Delivery d : deliveries) {
      for (Emission e : d.emissions()) {
        TokenSink sink = (TokenSink) e.request().attachment();
        if (e.tokenIndex() == 0) {
          metrics.firstToken((outAt - sink.arrivalNanos()) / 1e9);
        }
        if (e.last()) {
          metrics.finished((outAt - sink.arrivalNanos()) / 1e9);
          metrics.released(e.request().imagePixels());
        }
      }
    }
    outstandingBatches.addAndGet(deliveries.size());
    for (Delivery d : deliveries) {
      d.lane().latestScheduledNanos = scheduledNanos;
      d.lane().queued.incrementAndGet();
      Runnable task = () -> write(d.lane(), d.emissions(), scheduledNanos);
      long wakeIn = scheduledNanos - TIMED_SPIN_NANOS - System.nanoTime();
      if (d.timed() && wakeIn > 0) {
        ((ScheduledExecutorService) d.executor()).schedule(task, wakeIn, TimeUnit.NANOSECONDS);
      } else {
        d.executor().execute(task);
      }
    }
  }

  /**
   * On the sink's executor: waits (spinning) for the step's end, then writes every token and flushes
   * each sink once, or leaves the flushes to the lane's next batch when that one is queued and due.
   */
  private void write(DeliveryLane lane, List<Emission> emissions, long scheduledNanos) {
    while (System.nanoTime() - scheduledNanos < 0) {
      Thread.onSpinWait();
    }
    long taskStart = System.nanoTime();
    metrics.handoffLateness(taskStart - scheduledNanos);
    DeliveryTrace trace = metrics.deliveryTrace();
    long cpuAtStart = trace == null ? 0 : DeliveryTrace.threadCpuNanos();
    long tokensEnd = 0;
    try {
      for (Emission e : emissions) {
        TokenSink sink = (TokenSink) e.request().attachment();
        sink.onToken(e.tokenIndex(), e.last(), scheduledNanos);
        lane.unflushed.add(sink); // a request emits at most one token per step; repeats across steps flush twice, harmlessly
      }
      tokensEnd = System.nanoTime();
    } finally {
      outstandingBatches.decrementAndGet();
      // The next batch runs right after this one on this thread only if it is already queued and its step has
      // ended; otherwise (none queued, or one waiting for a later step end) flush now.
      boolean nextIsDue = lane.queued.decrementAndGet() > 0 && System.nanoTime() - lane.latestScheduledNanos >= 0;
      if (!nextIsDue) {
        for (TokenSink sink : lane.unflushed) {
          sink.flush();
        }
        lane.unflushed.clear();
      }
      if (trace != null) {
        trace.record(scheduledNanos, taskStart, tokensEnd, System.nanoTime(), emissions.size(), cpuAtStart,
            DeliveryTrace.threadCpuNanos());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
