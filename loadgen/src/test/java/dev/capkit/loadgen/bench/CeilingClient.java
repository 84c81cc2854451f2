package dev.capkit.loadgen.bench;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.StepRecorder;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.core.scenario.SloSet;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatEndpoint;
import dev.capkit.loadgen.ChatRequest;
import dev.capkit.loadgen.TextChatRequests;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load-generator process of the ceiling benchmark: capkit's {@link ChatClient} sending streamed
 * text chats (300-token prompt, {@code max_tokens} 64, usage included) open loop with Poisson
 * arrivals at one rate, every record going into a core {@link StepRecorder} as in a run (HdrHistogram
 * recorders per metric). No Gatling: this is the loadgen and recording path alone.
 *
 * <p>Phases: {@code warmup} seconds (exercising the path; not measured: the rate rises from a tenth to
 * the full rate over its first half, then stays, see {@link #rateAt}), then
 * {@code seconds} measured. It prints {@code measure-start} and {@code measure-end sent <n>} when the measured
 * window opens and closes (the launcher samples both processes' CPU then; {@code warmup-late} 3 s, or
 * {@code -Dbench.late} seconds, before the window opens, or at the start if the warm-up is shorter: the launcher
 * may change the scheduling of this process's threads then), waits up to 10 s for the
 * stragglers, waits for a line on stdin (the launcher has sampled its threads; closing the client ends the
 * event-loop threads), and writes one line per measured request to {@code out}:
 * {@code <request id> <ok 0|1> <client ttft ns> <completed inside the window 0|1> <schedule lag ns> <sent at ns>}
 * {@code <written at ns>} ({@code System.nanoTime()} values: the send (intended time + schedule lag), and when the
 * request's bytes had been written to the socket, {@link ChatClient#onRequestWritten}; -1 if never).
 *
 * <p>Args: {@code <base uri> <model> <rate/s> <warmup s> <seconds> <out file>}.
 */
public final class CeilingClient {

  /**
   * What the output file needs of one measured request, not its whole {@link RequestRecord} (ITL array, ids, error):
   * a run keeps no records, only histograms, and 15,000 retained records made every young GC of this client copy
   * them (pauses of 12-17 ms at 1,000/s), which is the benchmark's cost, not the load generator's.
   */
  private record Done(String requestId, boolean ok, long ttftNanos, boolean inWindow, long lagNanos, long sentAt) {}

  private CeilingClient() {}

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    String model = args[1];
    double rate = Double.parseDouble(args[2]);
    long warmupNanos = (long) (Double.parseDouble(args[3]) * 1e9);
    long measureNanos = (long) (Double.parseDouble(args[4]) * 1e9);
    Path out = Path.of(args[5]);

    ChatEndpoint endpoint = new ChatEndpoint(base, model, null,
        new ClientTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60)));
    TextChatRequests chats = new TextChatRequests("chat", model, true, false);
    StepRecorder warmRecorder = recorder(0, warmupNanos);
    StepRecorder recorder = recorder(1, measureNanos);
    ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    AtomicLong outstanding = new AtomicLong();
    SplittableRandom random = new SplittableRandom(5);

    java.util.Map<String, Long> writtenAt = new java.util.concurrent.ConcurrentHashMap<>(1 << 17);
    try (ChatClient client = new ChatClient(endpoint)) {
      String realtime = System.getProperty("capkit.loadgen.realtime");
      if (realtime != null) {
        try {
          System.out.println("scheduling " + client.useRealtime(realtime));
        } catch (IllegalArgumentException e) {
          System.err.println("capkit: error: " + e.getMessage());
          System.exit(2);
        }
      }
      client.onRequestWritten(writtenAt::put);
      long origin = System.nanoTime() + 100_000_000L;
      long measureStart = origin + warmupNanos;
      long measureEnd = measureStart + measureNanos;
      long intended = origin;
      boolean started = false;
      boolean late = false;
      long lateAt = Math.max(origin, measureStart - (long) (Double.parseDouble(System.getProperty("bench.late", "3")) * 1e9));
      long sent = 0;
      // As a run hands planned arrivals to the client ahead of their time (Gatling injects each second's users at
      // its start), this thread plans the arrivals of the next AHEAD nanoseconds every BATCH nanoseconds and hands
      // them over with ChatClient.sendAt, whose event loop sends each at its time. -Dbench.send=now: the older way,
      // this thread sleeping until each arrival and calling send (a wake-up and a hand-over per request).
      boolean timed = !"now".equals(System.getProperty("bench.send", "timed"));
      long batch = timed ? 10_000_000L : 0;
      long ahead = timed ? 20_000_000L : 0;
      while (intended < measureEnd) {
        long now = System.nanoTime();
        if (!late && now >= lateAt) {
          late = true;
          System.out.println("warmup-late"); // the launcher may change this process's threads now (-Dbench.fifo)
          System.out.flush();
        }
        if (!started && now >= measureStart) {
          started = true;
          System.out.println("measure-start " + java.time.Instant.now()); // wall time: to set GC logs against
          System.out.flush();
        }
        if (intended > now + ahead) {
          LockSupport.parkNanos(timed ? batch : intended - now); // timed: wake every batch, hand over what is due
          continue;
        }
        boolean measured = intended >= measureStart;
        if (measured) {
          sent++;
        }
        ChatRequest request = chats.request(300, 64, random.nextLong());
        outstanding.incrementAndGet();
        long at = intended;
        java.util.concurrent.CompletableFuture<RequestRecord> answer;
        if (timed) {
          answer = client.sendAt(request, at, null);
        } else {
          answer = client.send(request, Math.max(0, now - at));
        }
        answer.whenComplete((r, e) -> {
          if (measured) {
            recorder.record(r);
            long t = System.nanoTime();
            // sent at = intended + schedule lag (actual minus intended), in System.nanoTime()
            done.add(new Done(r.requestId(), r.ok(), r.ttftNanos(), t >= measureStart && t < measureEnd, r.scheduleLagNanos(),
                at + r.scheduleLagNanos()));
          } else {
            warmRecorder.record(r);
            writtenAt.remove(r.requestId());
          }
          outstanding.decrementAndGet();
        });
        intended += (long) (-Math.log(1 - random.nextDouble()) / rateAt(intended - origin, warmupNanos, rate) * 1e9);
      }
      LockSupport.parkNanos(Math.max(0, measureEnd - System.nanoTime()));
      System.out.println("measure-end sent " + sent);
      System.out.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (outstanding.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      // Closing the client ends its event-loop threads, and the launcher reads each thread's CPU from /proc after
      // measure-end: wait until it says it has (a line on stdin), or the event loops' time would be missing.
      new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      for (Done d : done) {
        w.println(d.requestId() + " " + (d.ok() ? 1 : 0) + " " + d.ttftNanos() + " " + (d.inWindow() ? 1 : 0)
            + " " + d.lagNanos() + " " + d.sentAt() + " " + writtenAt.getOrDefault(d.requestId(), -1L));
      }
    }
  }

  /**
   * The offered rate {@code sinceOrigin} nanoseconds into the run: during the first half of the warm-up it
   * rises linearly from a tenth of {@code rate} (a fresh emulator JVM offered the full rate at once falls
   * behind while it compiles, and an open-loop client then opens a connection per request until the
   * emulator runs out of descriptors); from the warm-up's second half on, {@code rate}.
   */
  static double rateAt(long sinceOrigin, long warmupNanos, double rate) {
    long ramp = warmupNanos / 2;
    if (ramp <= 0 || sinceOrigin >= ramp) {
      return rate;
    }
    return rate * (0.1 + 0.9 * Math.max(0, sinceOrigin) / (double) ramp);
  }

  private static StepRecorder recorder(int index, long nanos) {
    StepPlan plan = new StepPlan(index, "s" + index, 1, "qps", "none", Duration.ZERO, Duration.ofNanos(nanos));
    return new StepRecorder(plan, new SloSet(List.of(), 0.01, false));
  }
}
