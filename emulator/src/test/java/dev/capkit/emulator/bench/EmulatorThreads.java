package dev.capkit.emulator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The emulator's timing-critical threads in this JVM (its Netty event loops: the acceptor, which keeps Netty's default
 * name cut to 15 characters, {@code multiThreadIoEv...}, and the workers, {@code emulator-io-...}; and its {@code capkit-engine} thread), read
 * from {@code /proc/self/task}: their run-queue wait (runnable but without a CPU: the second field of
 * {@code schedstat}, nanoseconds). With {@code -Dbench.fifo=N} the JVM's collector and VM threads get
 * {@code SCHED_FIFO} priority 1 ({@code chrt -f -p}, see {@link #collector}); the worker loops and the engine get
 * theirs from the product path, {@code EmbeddedEmulator#realtime}. JIT threads stay ordinary (a compiler thread at a
 * real-time priority would hold its core for a whole compilation). The benchmark's load client
 * ({@code bench-client-...}) is not matched and stays ordinary. Linux only.
 */
final class EmulatorThreads {

  private final int fifoPriority;
  private final Set<Long> madeRealtime = new HashSet<>();

  /** @param fifoPriority SCHED_FIFO priority for the emulator's threads, 0 = leave them ordinary */
  EmulatorThreads(int fifoPriority) {
    this.fifoPriority = fifoPriority;
  }

  static boolean timingCritical(String comm) {
    return comm.startsWith("multiThreadIoEv") || comm.startsWith("emulator-io") || comm.equals("capkit-engine");
  }

  /**
   * The JVM's collector and VM-operation threads: a stop-the-world pause lasts as long as they take, and an event loop
   * that allocates waits for a concurrent collector that falls behind; as ordinary tasks they wait for a CPU behind
   * other processes' tasks while the event loops stand still. Under {@code -Dbench.fifo} they get real-time priority
   * 1: above every ordinary task, below the event loops and the engine.
   */
  static boolean collector(String comm) {
    return comm.equals("VM Thread") || comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("Z");
  }

  /**
   * Gives {@code SCHED_FIFO} priority 1 to the collector and VM threads not yet given it (benchmark only: the
   * emulator's own event loops and engine get theirs from the product path, {@code EmbeddedEmulator#realtime}, as
   * {@code ./capkit emulator --realtime N} does). Nothing when the priority is 0.
   *
   * @return how many threads have it so far
   */
  int applyRealtime() throws IOException, InterruptedException {
    if (fifoPriority <= 0) {
      return 0;
    }
    for (Map.Entry<Long, String> t : threads().entrySet()) {
      if (collector(t.getValue()) && !madeRealtime.contains(t.getKey())) {
        int priority = priority(t.getValue());
        Process chrt = new ProcessBuilder("chrt", "-f", "-p", Integer.toString(priority), Long.toString(t.getKey()))
            .redirectErrorStream(true).start();
        String said = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (chrt.waitFor() != 0) {
          throw new IllegalStateException("-Dbench.fifo=" + fifoPriority + ": chrt -f -p " + priority + " " + t.getKey()
              + " (" + t.getValue() + ") failed: " + said);
        }
        madeRealtime.add(t.getKey());
      }
    }
    return madeRealtime.size();
  }

  /**
   * The event loops get the priority asked for, the engine thread one below (at least 1): at a step's end both event
   * loops wake to write while the engine is already computing the next step (it handed the tokens over 1 ms early),
   * and on 2 CPUs a real-time engine at the same priority would hold one of them until its step is computed. One
   * below, a waking event loop takes the CPU from it; the engine has the rest of the step's modelled time to finish.
   */
  private static int priority(String comm) {
    return 1;
  }

  /** Run-queue wait so far of the timing-critical threads, nanoseconds, by thread name; -1 if the kernel keeps none. */
  static Map<String, Long> runQueueWait() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (Map.Entry<Long, String> t : threads().entrySet()) {
      if (timingCritical(t.getValue())) {
        try {
          String[] f = Files.readString(Path.of("/proc/self/task/" + t.getKey() + "/schedstat")).trim().split("\\s+");
          out.put(t.getValue() + "#" + t.getKey(), f.length >= 2 ? Long.parseLong(f[1]) : -1);
        } catch (NoSuchFileException e) {
          out.put(t.getValue() + "#" + t.getKey(), -1L);
        }
      }
    }
    return out;
  }

  /** Difference of two {@link #runQueueWait()} samples in milliseconds, as text ({@code name=ms, ...}). */
  static String waitedMillis(Map<String, Long> before, Map<String, Long> after) {
    StringBuilder b = new StringBuilder();
    after.forEach((name, nanos) -> {
      long from = before.getOrDefault(name, 0L);
      b.append(b.length() == 0 ? "" : ", ").append(name).append('=')
          .append(nanos < 0 ? "?" : String.format(java.util.Locale.ROOT, "%.1f", (nanos - Math.max(0, from)) / 1e6));
    });
    return b.length() == 0 ? "none" : b.toString();
  }

  private static Map<Long, String> threads() throws IOException {
    Map<Long, String> out = new TreeMap<>();
    Path self = Path.of("/proc/self/task");
    if (!Files.isDirectory(self)) {
      return out;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(self)) {
      for (Path task : tasks) {
        try {
          out.put(Long.parseLong(task.getFileName().toString()), Files.readString(task.resolve("comm")).trim());
        } catch (NoSuchFileException e) {
          // ended while we listed
        }
      }
    }
    return out;
  }
}
