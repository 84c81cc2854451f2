package dev.capkit.core.os;

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
 * <p>So this guard samples each thread's scheduler counters ({@link LinuxThreads#schedstat}) every
 * {@value #PERIOD_MILLIS} ms on its own ordinary daemon thread and applies {@link Rule}: a real-time thread that ran
 * for at least {@link Rule#demoteAt} of the last {@link Rule#demoteWindowNanos} goes back to {@code SCHED_OTHER}; a
 * thread so demoted returns to {@code SCHED_FIFO} at its priority once it has been ordinary for at least
 * {@link Rule#promoteWindowNanos} and over that window needed (ran or waited runnable) at most
 * {@link Rule#promoteBelow} of the time. Each change is logged with the figures. While a saturated real-time thread
 * holds the guard's CPU the guard itself runs only in the throttled remainder, so a demotion takes up to about a
 * second there. A thread whose counters cannot be read (it ended, or the kernel keeps no scheduler statistics) is
 * left as it is and no longer guarded.
 */
public final class RealtimeGuard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RealtimeGuard.class);

  /** How often the counters are read. */
  public static final long PERIOD_MILLIS = 250;

  /**
   * When a thread is demoted and promoted again (shares of wall-clock time, windows in nanoseconds).
   *
   * @param demoteAt           a real-time thread that ran at least this share of the last {@code demoteWindowNanos}
   *                           is demoted (it saturates its CPU)
   * @param demoteWindowNanos  the window over which saturation is judged
   * @param promoteBelow       a demoted thread is promoted when, over the last {@code promoteWindowNanos}, its run time
   *                           plus runnable wait was at most this share (it would not saturate a CPU of its own)
   * @param promoteWindowNanos how long a demoted thread stays ordinary at least, and the window of the promotion test
   */
  public record Rule(double demoteAt, long demoteWindowNanos, double promoteBelow, long promoteWindowNanos) {
    /** Demote at 80% of a CPU over 1 s; promote after at least 3 s under 50% of one. */
    public static final Rule DEFAULT = new Rule(0.80, TimeUnit.SECONDS.toNanos(1), 0.50, TimeUnit.SECONDS.toNanos(3));

    public Rule {
      if (!(demoteAt > 0 && demoteAt <= 1) || !(promoteBelow > 0 && promoteBelow < demoteAt)
          || demoteWindowNanos <= 0 || promoteWindowNanos <= 0) {
        throw new IllegalArgumentException("not a guard rule: " + demoteAt + ", " + demoteWindowNanos + " ns, "
            + promoteBelow + ", " + promoteWindowNanos + " ns");
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
    private record Sample(long at, long run, long waited) {}

    private final Rule rule;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private boolean realtime = true;
    private long since = Long.MIN_VALUE; // when the current state began (first sample's time until a change)
    private double lastShare;

    public Tracker(Rule rule) {
      this.rule = rule;
    }

    /**
     * One reading of the thread's counters at {@code atNanos}: cumulative nanoseconds run and waited runnable.
     *
     * @return {@link Action#DEMOTE} when a real-time thread saturates its CPU, {@link Action#PROMOTE} when a demoted
     *         thread has been light long enough; the tracker assumes the action is then carried out
     */
    public Action observe(long atNanos, long runNanos, long waitNanos) {
      Sample now = new Sample(atNanos, runNanos, waitNanos);
      if (since == Long.MIN_VALUE) {
        since = atNanos;
      }
      samples.addLast(now);
      long keep = Math.max(rule.demoteWindowNanos(), rule.promoteWindowNanos());
      while (samples.size() > 2 && atNanos - samples.peekFirst().at() > keep + TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS)) {
        samples.removeFirst();
      }
      if (realtime) {
        Sample then = oldestWithin(atNanos, rule.demoteWindowNanos());
        if (then != null && atNanos - since >= rule.demoteWindowNanos()) {
          lastShare = (double) (runNanos - then.run()) / (atNanos - then.at());
          if (lastShare >= rule.demoteAt()) {
            change(false, atNanos);
            return Action.DEMOTE;
          }
        }
      } else if (atNanos - since >= rule.promoteWindowNanos()) {
        Sample then = oldestWithin(atNanos, rule.promoteWindowNanos());
        if (then != null) {
          lastShare = (double) (runNanos - then.run() + waitNanos - then.waited()) / (atNanos - then.at());
          if (lastShare <= rule.promoteBelow()) {
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
      since = at;
      Sample last = samples.peekLast();
      samples.clear();
      samples.addLast(last);
    }
  }

  private final class Guarded {
    final long tid;
    final String name;
    final int priority;
    final Tracker tracker = new Tracker(rule);
    long demotedAt;

    Guarded(long tid, String name, int priority) {
      this.tid = tid;
      this.name = name;
      this.priority = priority;
    }
  }

  private final String owner;
  private final Rule rule;
  private final Map<Long, Guarded> threads = new LinkedHashMap<>();
  private final ScheduledExecutorService checker;
  private int demotions;
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
   * Puts thread {@code tid} of this JVM in {@code SCHED_FIFO} at {@code priority} and guards it from now on.
   *
   * @throws LinuxThreads.RealtimeRefused when the policy cannot be set (chrt's message)
   */
  public void add(long tid, String name, int priority) {
    LinuxThreads.setFifo(tid, priority);
    synchronized (this) {
      if (!closed) {
        threads.put(tid, new Guarded(tid, name, priority));
      }
    }
  }

  /** For run records: how often threads were demoted and for how long in all, so far. */
  public synchronized String describe() {
    long ordinary = ordinaryNanos;
    long now = System.nanoTime();
    for (Guarded g : threads.values()) {
      if (!g.tracker.realtime()) {
        ordinary += now - g.demotedAt;
      }
    }
    return demotions == 0 ? "never demoted (no real-time thread saturated its CPU)"
        : String.format(Locale.ROOT, "demoted %d time(s) while saturating a CPU, %.1f s ordinary in all", demotions,
            ordinary / 1e9);
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
    for (Guarded g : threads.values()) {
      long at = System.nanoTime();
      LinuxThreads.SchedStat s = LinuxThreads.schedstat(0, g.tid);
      if (s == null) {
        gone.add(g.tid);
        continue;
      }
      switch (g.tracker.observe(at, s.runNanos(), s.waitNanos())) {
        case DEMOTE -> {
          LinuxThreads.setOrdinary(g.tid);
          demotions++;
          g.demotedAt = at;
          LOG.warn("{}: thread {} ran {}% of the last {} s at SCHED_FIFO {}: back to ordinary scheduling until it needs "
                  + "under {}% of a CPU for {} s (a saturated real-time thread starves its own JVM's JIT compiler and "
                  + "collector, and real-time cannot make it keep up)", owner, g.name,
              Math.round(100 * g.tracker.lastShare()), rule.demoteWindowNanos() / 1e9, g.priority,
              Math.round(100 * rule.promoteBelow()), rule.promoteWindowNanos() / 1e9);
        }
        case PROMOTE -> {
          LinuxThreads.setFifo(g.tid, g.priority);
          ordinaryNanos += at - g.demotedAt;
          LOG.info("{}: thread {} needed {}% of a CPU over the last {} s: SCHED_FIFO {} again", owner, g.name,
              Math.round(100 * g.tracker.lastShare()), rule.promoteWindowNanos() / 1e9, g.priority);
        }
        case NONE -> { }
      }
    }
    for (long tid : gone) {
      Guarded g = threads.remove(tid);
      if (!g.tracker.realtime()) {
        ordinaryNanos += System.nanoTime() - g.demotedAt;
      }
    }
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
