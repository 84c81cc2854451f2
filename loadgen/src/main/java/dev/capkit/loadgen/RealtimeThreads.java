package dev.capkit.loadgen;

import dev.capkit.core.os.LinuxThreads;
import dev.capkit.core.os.RealtimeGuard;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -Dcapkit.loadgen.realtime=N}: the load generator's latency threads in {@code SCHED_FIFO} at priority N, for
 * an injector machine whose other tasks must not delay the client's reads and sends (loadgen/README.md: on a shared
 * machine, under ordinary scheduling, the client's own part of a TTFT had p99 2.5-3.2 ms at 1,000 req/s because its
 * threads waited for their core behind other tasks' slices; with these threads real-time, 0.2-0.6 ms).
 *
 * <p>Which threads: the client's event loops (they stamp every arrival and, with {@link ChatClient#sendAt}, send
 * open-loop requests at their time) and the JVM's VM thread and G1's stop-the-world workers ({@code GC Thread#n}),
 * which run only while Java threads are stopped, so that a pause is not stretched by their waiting for a CPU. Not the
 * JIT compilers or the concurrent collector threads (a compiler thread at a real-time priority would hold its CPU for
 * a whole compilation), and not the threads that call {@link ChatClient#send} (Gatling's: capkit does not own them,
 * and a thread of another framework at the event loop's real-time priority on the same CPU keeps the loop from
 * running for as long as it does not block, up to the kernel's real-time throttling). The loops are
 * {@link dev.capkit.core.os.PreemptionSafeEventLoopGroup}'s: with Netty's default task queue a real-time loop spins for
 * a task its ordinary submitter was preempted in the middle of handing over (stalls of up to ~0.95 s, loadgen/README.md).
 * The event loops are core's {@link RealtimeGuard}'s: they start ordinary and become real-time once they are light
 * and the JIT is quiet, and a loop that saturates its CPU is ordinary again until then (in a fresh Gatling JVM pinned to
 * one CPU, loops real-time from the start ran not yet compiled code at 1,000 req/s, starved the JIT compiler that
 * would have made them fast, and lost the first step to a schedule lag of 0.9-1.8 s). G1 starts workers as it needs
 * them, so the JVM's threads are looked at again every {@value #RESCAN_SECONDS} s. {@link #close} puts the JVM's threads back in
 * {@code SCHED_OTHER}. Linux only; needs root, {@code CAP_SYS_NICE} or {@code ulimit -r} of at least N: without the
 * right the client refuses to start, naming the property and the value ({@link Refused}).
 */
final class RealtimeThreads implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RealtimeThreads.class);

  /** The system property: a {@code SCHED_FIFO} priority 1..99, or 0 (the default) for ordinary scheduling. */
  static final String PROPERTY = "capkit.loadgen.realtime";
  static final int RESCAN_SECONDS = 5;

  /** The option cannot be honoured (bad value, or no right to set real-time priorities); the message says which. */
  static final class Refused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final int priority;
  private final EventLoopGroup control;
  private final Set<Long> jvmThreads = new LinkedHashSet<>(); // touched on the control loop after construction
  private final int eventLoops;
  private final RealtimeGuard guard;
  private volatile boolean closed;

  /**
   * Reads the property's value: null, blank or {@code 0} = ordinary scheduling (returns 0), else a priority 1..99.
   *
   * @throws Refused naming the property and the value
   */
  static int priority(String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    int p;
    try {
      p = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 0 || p > LinuxThreads.MAX_FIFO_PRIORITY) {
      throw new Refused("-D" + PROPERTY + "=" + value + ": not a SCHED_FIFO priority (an integer 1.."
          + LinuxThreads.MAX_FIFO_PRIORITY + ", or 0 for ordinary scheduling)", null);
    }
    return p;
  }

  /**
   * Puts the JVM's safepoint threads in {@code SCHED_FIFO} at {@code priority} and hands the event loops of
   * {@code group} (started here if they were not) to a {@link RealtimeGuard} (the right is checked on them now);
   * {@code control} (an event loop of the client's that stays ordinary) runs the rescan.
   *
   * @throws Refused when a thread's policy cannot be set, naming the property, the value and chrt's message
   */
  RealtimeThreads(int priority, EventLoopGroup group, EventLoopGroup control) {
    if (priority < 1 || priority > LinuxThreads.MAX_FIFO_PRIORITY) {
      throw new IllegalArgumentException("priority " + priority + " is not in 1.." + LinuxThreads.MAX_FIFO_PRIORITY);
    }
    this.priority = priority;
    this.control = control;
    List<Map.Entry<Thread, Long>> loops = new ArrayList<>();
    for (EventExecutor loop : group) {
      try {
        // starts the loop's thread
        loops.add(loop.submit(() -> Map.entry(Thread.currentThread(), LinuxThreads.currentTid())).get(10, TimeUnit.SECONDS));
      } catch (ExecutionException | TimeoutException e) {
        throw refused("cannot tell an event loop's thread id: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw refused("interrupted", e);
      }
    }
    this.guard = new RealtimeGuard("-D" + PROPERTY + "=" + priority, RealtimeGuard.Rule.DEFAULT);
    try {
      for (Map.Entry<Thread, Long> loop : loops) {
        guard.add(loop.getKey(), loop.getValue(), priority, false);
      }
    } catch (LinuxThreads.RealtimeRefused e) {
      guard.close();
      throw noRight(e);
    }
    this.eventLoops = loops.size();
    try {
      rescan();
    } catch (RuntimeException e) {
      guard.close();
      throw e;
    }
    control.scheduleAtFixedRate(this::rescanQuietly, RESCAN_SECONDS, RESCAN_SECONDS, TimeUnit.SECONDS);
  }

  /** For run.json: the policy, which threads have it, and the guard's changes to the event loops so far. */
  String describe() {
    return "SCHED_FIFO " + priority + " (-D" + PROPERTY + "): " + eventLoops + " event loop(s), the JVM's VM thread and "
        + "G1 stop-the-world workers; JIT, concurrent GC and the callers' threads ordinary; event loops "
        + guard.describe();
  }

  private void rescanQuietly() {
    try {
      rescan();
    } catch (RuntimeException e) {
      LOG.warn("-D{}={}: {}", PROPERTY, priority, e.getMessage());
    }
  }

  private synchronized void rescan() {
    if (closed) {
      return;
    }
    for (LinuxThreads.Task t : LinuxThreads.tasks(0)) {
      if (safepointThread(t.name()) && !jvmThreads.contains(t.tid())) {
        fifo(t.tid());
        jvmThreads.add(t.tid());
      }
    }
  }

  /** The VM operation thread and G1's parallel (stop-the-world) workers: busy only while Java threads are stopped. */
  static boolean safepointThread(String comm) {
    return comm.equals("VM Thread") || comm.startsWith("GC Thread");
  }

  private void fifo(long tid) {
    try {
      LinuxThreads.setFifo(tid, priority);
    } catch (LinuxThreads.RealtimeRefused e) {
      throw noRight(e);
    }
  }

  private Refused noRight(LinuxThreads.RealtimeRefused e) {
    return refused(e.getMessage() + " (needs root, CAP_SYS_NICE or ulimit -r >= " + priority + ")", e);
  }

  private Refused refused(String why, Throwable cause) {
    return new Refused("-D" + PROPERTY + "=" + priority + ": cannot put the load generator's threads in SCHED_FIFO: "
        + why, cause);
  }

  /**
   * The JVM's threads back in SCHED_OTHER (the event loops end with the client): those put in SCHED_FIFO here, and any
   * worker G1 started since the last rescan (a thread the real-time VM thread creates inherits its policy).
   */
  @Override
  public synchronized void close() {
    closed = true;
    guard.close();
    for (LinuxThreads.Task t : LinuxThreads.tasks(0)) { // every safepoint thread alive now, ours included
      if (!safepointThread(t.name())) {
        continue;
      }
      long tid = t.tid();
      try {
        int[] policy = LinuxThreads.policy(0, tid);
        if (policy != null && policy[0] != 0) {
          LinuxThreads.setOrdinary(tid);
        }
      } catch (RuntimeException e) {
        LOG.debug("thread {} left as it is: {}", tid, e.getMessage());
      }
    }
    jvmThreads.clear();
  }
}
