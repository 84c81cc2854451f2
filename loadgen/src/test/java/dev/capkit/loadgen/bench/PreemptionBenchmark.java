package dev.capkit.loadgen.bench;

import dev.capkit.core.os.LinuxThreads;
import dev.capkit.core.os.PreemptionSafeEventLoopGroup;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code -Dbench.run=preemption}: what a real-time event loop does when ordinary threads on its CPU hand it tasks, with
 * Netty's default task queue and with {@link PreemptionSafeEventLoopGroup}'s (loadgen/README.md has the figures).
 *
 * <p>One epoll event loop in {@code SCHED_FIFO} at {@code -Dbench.fifo} (default 10; 0 = ordinary), woken every
 * millisecond by its own timer (as {@code ChatClient.sendAt}'s timers wake it at 1,000 req/s), and
 * {@code -Dbench.producers} (default 4) ordinary threads that each call {@code execute} every 20 us; the task records
 * the time from {@code execute} to its run. Each variant runs {@code -Dbench.seconds} (default 60), alternating for
 * {@code -Dbench.rounds} (default 1). Printed per variant and round: tasks run, the seconds whose longest
 * execute-to-run time exceeded 50 ms, and the longest. Run it on ONE CPU ({@code taskset -c 1 java ...}): the stall
 * needs the submitter and the loop on the same CPU; with more CPUs available it says so and runs anyway. Needs the right
 * to set real-time priorities (root, {@code CAP_SYS_NICE}).
 */
final class PreemptionBenchmark {

  private PreemptionBenchmark() {}

  /** {@code -Dbench.fifo}, {@code -Dbench.producers}, {@code -Dbench.seconds}, {@code -Dbench.rounds}. */
  private record Settings(int fifo, int producers, int seconds, int rounds) {
    static Settings read() {
      return new Settings(Integer.getInteger("bench.fifo", 10), Integer.getInteger("bench.producers", 4),
          Integer.getInteger("bench.seconds", 60), Integer.getInteger("bench.rounds", 1));
    }

    void print(String benchmark, String measured, String others) {
      int cpus = Runtime.getRuntime().availableProcessors();
      System.out.printf(Locale.ROOT, "%s: %d CPU(s) available%s; %s SCHED_%s, %d ordinary %s, %d s per variant, "
          + "%d round(s)%n", benchmark, cpus, cpus > 1 ? " (the stall needs ONE: taskset -c N)" : "", measured,
          fifo > 0 ? "FIFO " + fifo : "OTHER", producers, others, seconds, rounds);
    }
  }

  static void run() throws Exception {
    Settings set = Settings.read();
    set.print("preemption", "loop", "submitters every 20 us");
    int fifo = set.fifo();
    int producers = set.producers();
    int seconds = set.seconds();
    int rounds = set.rounds();
    for (int r = 1; r <= rounds; r++) {
      for (boolean safe : new boolean[] {false, true}) {
        ThreadFactory threads = new DefaultThreadFactory("preempt-loop", true);
        MultiThreadIoEventLoopGroup group = safe
            ? new PreemptionSafeEventLoopGroup(1, threads, EpollIoHandler.newFactory())
            : new MultiThreadIoEventLoopGroup(1, threads, EpollIoHandler.newFactory());
        try {
          System.out.println(once(group.next(), fifo, producers, seconds, r,
              safe ? "PreemptionSafeEventLoopGroup" : "Netty's default queue"));
        } finally {
          group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
      }
    }
  }

  /**
   * {@code -Dbench.run=preemption-alloc}: the same inversion looked for in the buffer allocator. A real-time
   * {@code FastThreadLocalThread} (as an event loop is) allocates a 256-byte direct buffer every 20 us and hands it to
   * {@code -Dbench.producers} ordinary threads, which release it (a response buffer released off the loop). Netty
   * 4.2's default, the adaptive allocator, keeps each chunk's free segments in an {@code MpscIntQueue} whose
   * {@code poll()} spins, like the task queue's, while a releasing thread has claimed a slot but not stored into it.
   * Variants: {@code ByteBufAllocator.DEFAULT} (adaptive unless {@code -Dio.netty.allocator.type} says otherwise) and
   * {@code PooledByteBufAllocator.DEFAULT}; printed: allocations, the seconds whose longest allocation took over 50 ms,
   * and the longest. Run it on ONE CPU.
   */
  static void runAllocator() throws Exception {
    Settings set = Settings.read();
    set.print("preemption-alloc", "allocating thread", "releasers");
    int fifo = set.fifo();
    int producers = set.producers();
    int seconds = set.seconds();
    int rounds = set.rounds();
    for (int r = 1; r <= rounds; r++) {
      System.out.println(allocations(ByteBufAllocator.DEFAULT, fifo, producers, seconds, r,
          "default (" + ByteBufAllocator.DEFAULT.getClass().getSimpleName() + ")"));
      System.out.println(allocations(PooledByteBufAllocator.DEFAULT, fifo, producers, seconds, r,
          "PooledByteBufAllocator"));
    }
  }

  private static String allocations(ByteBufAllocator allocator, int fifo, int producers, int seconds, int round,
      String name) throws Exception {
    ConcurrentLinkedQueue<ByteBuf> handed = new ConcurrentLinkedQueue<>();
    AtomicLong worst = new AtomicLong();
    AtomicLong count = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long[] tid = new long[1];
    Thread allocating = new FastThreadLocalThread(() -> {
      tid[0] = LinuxThreads.currentTid();
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        ByteBuf b = allocator.directBuffer(256);
        long d = System.nanoTime() - t0;
        if (d > worst.get()) {
          worst.set(d);
        }
        count.incrementAndGet();
        handed.add(b);
        LockSupport.parkNanos(20_000);
      }
    }, "preempt-alloc");
    allocating.setDaemon(true);
    allocating.start();
    while (tid[0] == 0) {
      Thread.sleep(1);
    }
    if (fifo > 0) {
      LinuxThreads.setFifo(tid[0], fifo);
    }
    List<Thread> releasers = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end || !handed.isEmpty()) {
          ByteBuf b = handed.poll();
          if (b == null) {
            LockSupport.parkNanos(20_000);
          } else {
            b.release();
          }
        }
      }, "releaser-" + p);
      t.setDaemon(true);
      t.start();
      releasers.add(t);
    }
    long[] stalls = watch(worst, seconds);
    allocating.join();
    for (Thread t : releasers) {
      t.join();
    }
    return String.format(Locale.ROOT, "round %d, %-36s allocations %,d; seconds with an allocation > 50 ms: %d; "
        + "longest %.3f ms", round, name + ":", count.get(), stalls[0], stalls[1] / 1e6);
  }

  private static String once(EventLoop loop, int fifo, int producers, int seconds, int round, String name)
      throws Exception {
    long tid = loop.submit(LinuxThreads::currentTid).get();
    if (fifo > 0) {
      LinuxThreads.setFifo(tid, fifo);
    }
    loop.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.MILLISECONDS);
    AtomicLong worst = new AtomicLong(); // longest execute-to-run in the current second, set on the loop
    AtomicLong tasks = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> submitters = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          loop.execute(() -> {
            long d = System.nanoTime() - t0;
            tasks.incrementAndGet();
            if (d > worst.get()) {
              worst.set(d);
            }
          });
          LockSupport.parkNanos(20_000);
        }
      }, "submitter-" + p);
      t.setDaemon(true);
      t.start();
      submitters.add(t);
    }
    long[] stalls = watch(worst, seconds);
    for (Thread t : submitters) {
      t.join();
    }
    return String.format(Locale.ROOT, "round %d, %-29s tasks %,d; seconds with a task waiting > 50 ms: %d; longest %.3f ms",
        round, name + ":", tasks.get(), stalls[0], stalls[1] / 1e6);
  }

  /**
   * Reads and resets {@code worst} (nanoseconds, set by the measured thread) once a second for {@code seconds}:
   * returns {seconds whose worst exceeded 50 ms, the longest worst}.
   */
  private static long[] watch(AtomicLong worst, int seconds) {
    long stalledSeconds = 0;
    long longest = 0;
    long t0 = System.nanoTime();
    for (int s = 1; s <= seconds; s++) {
      LockSupport.parkNanos(t0 + TimeUnit.SECONDS.toNanos(s) - System.nanoTime());
      long w = worst.getAndSet(0);
      longest = Math.max(longest, w);
      if (w > TimeUnit.MILLISECONDS.toNanos(50)) {
        stalledSeconds++;
      }
    }
    return new long[] {stalledSeconds, longest};
  }
}
