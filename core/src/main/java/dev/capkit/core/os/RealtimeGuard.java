package dev.capkit.core.os;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SCHED_FIFO} threads that give their CPU back while they saturate it. A real-time thread that needs a whole
 * CPU takes it from every ordinary thread there, its own JVM's included, up to the kernel's real-time throttling (95%
 * of each second by default): the JIT compiler that would make its code fast and the concurrent collector. Measured
 * on a 2-core machine (loadgen/README.md): in a fresh JVM the load generator's real-time event loop, still running
 * interpreted and C1 code, used 0.75-0.9 s of each second at 1,000 req/s while the C2 compiler got 0.01-0.16 s and
 * stayed runnable the rest; the loop stayed slow, the schedule lag grew to 0.9-1.8 s and the first step was lost. The
 * emulator's real-time worker loop did the same when load met it before its code was compiled. Real-time scheduling
 * only shortens waits for a CPU; it cannot make a saturated thread keep up, and then it does harm.
 *
 * <p>So this guard samples each thread's scheduler counters ({@link LinuxThreads#schedstat}) and the JVM's compilation
 * time ({@link CompilationMXBean}) every {@value #PERIOD_MILLIS} ms on its own ordinary daemon thread and applies
 * {@link Rule}: a real-time thread that ran for at least {@link Rule#demoteAt} of the last
 * {@link Rule#demoteWindowNanos} goes back to {@code SCHED_OTHER}; an ordinary thread (demoted, or added to start
 * ordinary) becomes {@code SCHED_FIFO} at its priority once it has been ordinary for at least
 * {@link Rule#promoteWindowNanos} and over that window needed (ran or waited runnable) at most
 * {@link Rule#promoteBelow} of the time while the JIT compiled for at most {@link Rule#jitBelow} of it (its code is
 * then compiled: real-time will not starve the compiler). Each change is logged with the figures (a demotion with the
 * thread's stack). While a saturated real-time thread holds the guard's CPU the guard itself runs only in the throttled
 * remainder, so a demotion takes up to about a second there. A thread whose counters cannot be read (it ended, or the kernel keeps no scheduler statistics) is
 * left as it is and no longer guarded.
 */
public final class RealtimeGuard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RealtimeGuard.class);

  /** How often the counters are read. */
  public static final long PERIOD_MILLIS = 250;
  private static final int WHERE_FRAMES = 14;

  /**
   * When a thread is demoted and promoted again (shares of wall-clock time, windows in nanoseconds).
   *
   * @param demoteAt           a real-time thread that ran at least this share of the last {@code demoteWindowNanos}
   *                           is demoted (it saturates its CPU)
   * @param demoteWindowNanos  the window over which saturation is judged
   * @param promoteBelow       a demoted thread is promoted when, over the last {@code promoteWindowNanos}, its run time
   *                           plus runnable wait was at most this share (it would not saturate a CPU of its own)
   * @param promoteWindowNanos how long a demoted thread stays ordinary at least, and the window of the promotion test
   * @param jitBelow           the JVM's compilation time (summed over compiler threads) as a share of the promotion
   *                           window must be at most this: a thread is not promoted while its JVM is still compiling
   */
  public record Rule(double demoteAt, long demoteWindowNanos, double promoteBelow, long promoteWindowNanos,
      double jitBelow) {
    /**
     * Demote at 60% of a CPU over 0.5 s (a false alarm costs little: ordinary scheduling is the default); promote after
     * at least 3 s under 25% of a CPU while the JVM compiled for at most 10% of the time. A real-time thread takes its
     * CPU from every ordinary thread there, and its process's other threads may be on the critical path: in a Gatling
     * JVM pinned to one CPU at 1,000 req/s the event loop needed ~50% of it; made real-time it left Gatling's threads
     * (which hand the arrivals over) runnable-waiting 0.4-0.8 s of each second and the schedule lag reached 0.7-0.8 s
     * (loadgen/README.md). Real-time pays where a thread needs a small share of its CPU and its waits are what delays
     * it: the ceiling benchmark's loop at ~20%.
     */
    public static final Rule DEFAULT = new Rule(0.60, TimeUnit.MILLISECONDS.toNanos(500), 0.25,
        TimeUnit.SECONDS.toNanos(3), 0.10);

    public Rule {
      if (!(demoteAt > 0 && demoteAt <= 1) || !(promoteBelow > 0 && promoteBelow < demoteAt)
          || demoteWindowNanos <= 0 || promoteWindowNanos <= 0 || !(jitBelow > 0)) {
        throw new IllegalArgumentException("not a guard rule: " + demoteAt + ", " + demoteWindowNanos + " ns, "
            + promoteBelow + ", " + promoteWindowNanos + " ns, " + jitBelow);
      }
    }
  }

  /** What {@link Tracker#observe} asks for. */
  public enum Action { NONE, DEMOTE, PROMOTE }

  /**
   * The decision for one thread, from its counters alone (no clock, no system calls): feed it samples in time order
   * and do what it returns. Starts real-time.
   */
  public static final class Tracker {
    private record Sample(long at, long run, long waited, long jit) {}

    private final Rule rule;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private boolean realtime;
    private double lastShare;
    private double lastJitShare;

    /** @param startRealtime whether the thread is real-time now (else it waits for the promotion test) */
    public Tracker(Rule rule, boolean startRealtime) {
      this.rule = rule;
      this.realtime = startRealtime;
    }

    /**
     * One reading at {@code atNanos}: the thread's cumulative nanoseconds run and waited runnable, and the JVM's
     * cumulative compilation time ({@code jitNanos}, summed over compiler threads; 0 throughout where unknown).
     *
     * @return {@link Action#DEMOTE} when a real-time thread saturates its CPU, {@link Action#PROMOTE} when a demoted
     *         thread has been light long enough; the tracker assumes the action is then carried out
     */
    public Action observe(long atNanos, long runNanos, long waitNanos, long jitNanos) {
      Sample now = new Sample(atNanos, runNanos, waitNanos, jitNanos);
      samples.addLast(now);
      long keep = Math.max(rule.demoteWindowNanos(), rule.promoteWindowNanos());
      while (samples.size() > 2 && atNanos - samples.peekFirst().at() > keep + TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS)) {
        samples.removeFirst();
      }
      // The samples start at the current state's beginning (change keeps only that one): a window's start found
      // among them lies inside the current state.
      if (realtime) {
        Sample then = oldestWithin(atNanos, rule.demoteWindowNanos());
        if (then != null) {
          lastShare = (double) (runNanos - then.run()) / (atNanos - then.at());
          if (lastShare >= rule.demoteAt()) {
            change(false, atNanos);
            return Action.DEMOTE;
          }
        }
      } else {
        Sample then = oldestWithin(atNanos, rule.promoteWindowNanos());
        if (then != null) {
          lastShare = (double) (runNanos - then.run() + waitNanos - then.waited()) / (atNanos - then.at());
          lastJitShare = (double) (jitNanos - then.jit()) / (atNanos - then.at());
          if (lastShare <= rule.promoteBelow() && lastJitShare <= rule.jitBelow()) {
            change(true, atNanos);
            return Action.PROMOTE;
          }
        }
      }
      return Action.NONE;
    }

    /** The share of a CPU behind the last decision (run share when demoting, run + wait share when promoting). */
    public double lastShare() {
      return lastShare;
    }

    /** The JVM's compilation time as a share of the window behind the last promotion test. */
    public double lastJitShare() {
      return lastJitShare;
    }

    public boolean realtime() {
      return realtime;
    }

    /** The latest sample at least {@code window} before {@code at}: the window's start; null if none is that old. */
    private Sample oldestWithin(long at, long window) {
      Sample best = null;
      for (Sample s : samples) {
        if (at - s.at() >= window) {
          best = s;
        } else {
          break;
        }
      }
      return best;
    }

    private void change(boolean toRealtime, long at) {
      realtime = toRealtime;
      Sample last = samples.peekLast();
      samples.clear();
      samples.addLast(last);
    }
  }

  private final class Guarded {
    final long tid;
    final String name;
    final Thread thread;
    final int priority;
    final Tracker tracker;
    long ordinarySince; // while ordinary: since when

    Guarded(long tid, Thread thread, int priority, boolean realtime) {
      this.tid = tid;
      this.thread = thread;
      this.name = thread.getName();
      this.priority = priority;
      this.tracker = new Tracker(rule, realtime);
      this.ordinarySince = System.nanoTime();
    }
  }

  private final String owner;
  private final Rule rule;
  private final Map<Long, Guarded> threads = new LinkedHashMap<>();
  private final ScheduledExecutorService checker;
  private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
  private final long startNanos = System.nanoTime();
  private int demotions;
  private int promotions;
  private long ordinaryNanos;
  private boolean closed;

  /**
   * A guard with its own daemon thread ({@code capkit-realtime-guard}), checking from now on.
   *
   * @param owner what the threads belong to, for the log and {@link #describe} (e.g. "-Dcapkit.loadgen.realtime=10")
   */
  public RealtimeGuard(String owner, Rule rule) {
    this.owner = owner;
    this.rule = rule;
    this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "capkit-realtime-guard");
      t.setDaemon(true);
      return t;
    });
    checker.scheduleAtFixedRate(this::checkQuietly, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Guards {@code thread}, whose kernel id is {@code tid} ({@link LinuxThreads#currentTid} on it), from now on at
   * {@code priority}. With {@code now}, it is put in {@code SCHED_FIFO} at once; without, it stays ordinary until it
   * passes the promotion test (for threads that meet load as soon as they exist: their first seconds belong to the JIT
   * compiler). Either way the right is checked here: the thread is put in {@code SCHED_FIFO} and, without {@code now},
   * back.
   *
   * @throws LinuxThreads.RealtimeRefused when the policy cannot be set (chrt's message)
   */
  public void add(Thread thread, long tid, int priority, boolean now) {
    LinuxThreads.setFifo(tid, priority);
    if (!now) {
      LinuxThreads.setOrdinary(tid);
    }
    synchronized (this) {
      if (!closed) {
        threads.put(tid, new Guarded(tid, thread, priority, now));
      }
    }
  }

  /**
   * For run records: the guard's changes so far, e.g. {@code "real-time guard: 2 promotion(s), 1 demotion(s) while
   * saturating a CPU; 12.5 s ordinary in 60.1 s (thread-seconds)"} (time ordinary summed over the guarded threads, in
   * the guard's lifetime).
   */
  public synchronized String describe() {
    long ordinary = ordinaryNanos;
    long now = System.nanoTime();
    for (Guarded g : threads.values()) {
      if (!g.tracker.realtime()) {
        ordinary += now - g.ordinarySince;
      }
    }
    return String.format(Locale.ROOT, "real-time guard: %d promotion(s), %d demotion(s) while saturating a CPU; "
        + "%.1f s ordinary in %.1f s (thread-seconds)", promotions, demotions, ordinary / 1e9, (now - startNanos) / 1e9);
  }

  /** The JVM's cumulative compilation time, nanoseconds; 0 where the JVM does not measure it. */
  private long jitNanos() {
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() * 1_000_000L : 0;
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("{}: real-time guard: {}", owner, e.getMessage());
    }
  }

  private synchronized void check() {
    if (closed) {
      return;
    }
    List<Long> gone = new ArrayList<>();
    long jitNanos = jitNanos(); // one reading for every thread of this check
    for (Guarded g : threads.values()) {
      long at = System.nanoTime();
      LinuxThreads.SchedStat s = LinuxThreads.schedstat(0, g.tid);
      if (s == null) {
        gone.add(g.tid);
        continue;
      }
      switch (g.tracker.observe(at, s.runNanos(), s.waitNanos(), jitNanos)) {
        case DEMOTE -> {
          // Where it runs, taken before the demotion (at the thread's next safepoint poll): a hint for the log, which
          // may show the busy code or, when the burst is over, only where the thread waits for work.
          String where = where(g.thread);
          LinuxThreads.setOrdinary(g.tid);
          demotions++;
          g.ordinarySince = at;
          LOG.warn("{}: thread {} ran {}% of the last {} s at SCHED_FIFO {}: back to ordinary scheduling until it needs "
                  + "under {}% of a CPU for {} s (a saturated real-time thread starves its own JVM's JIT compiler and "
                  + "collector, and real-time cannot make it keep up); it was at {}", owner, g.name,
              Math.round(100 * g.tracker.lastShare()), rule.demoteWindowNanos() / 1e9, g.priority,
              Math.round(100 * rule.promoteBelow()), rule.promoteWindowNanos() / 1e9, where);
        }
        case PROMOTE -> {
          LinuxThreads.setFifo(g.tid, g.priority);
          promotions++;
          ordinaryNanos += at - g.ordinarySince;
          LOG.info("{}: thread {} needed {}% of a CPU over the last {} s and the JIT compiled {}% of the time: "
                  + "SCHED_FIFO {}", owner, g.name, Math.round(100 * g.tracker.lastShare()),
              rule.promoteWindowNanos() / 1e9, Math.round(100 * g.tracker.lastJitShare()), g.priority);
        }
        case NONE -> { }
      }
    }
    for (long tid : gone) {
      Guarded g = threads.remove(tid);
      if (!g.tracker.realtime()) {
        ordinaryNanos += System.nanoTime() - g.ordinarySince;
      }
    }
  }

  /** The top frames of {@code thread}'s stack, innermost first, for the log. */
  static String where(Thread thread) {
    StackTraceElement[] stack = thread.getStackTrace();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(WHERE_FRAMES, stack.length); i++) {
      out.append(i == 0 ? "" : " <- ").append(stack[i]);
    }
    return stack.length == 0 ? "(no Java frames)" : out.toString();
  }

  /** Stops checking; the threads keep the policy they have now (their owner puts them back or ends them). */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    checker.shutdownNow();
  }
}
