package dev.capkit.loadgen.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of a process's threads grouped by role, from {@code /proc/PID/task/TID/stat} (utime +
 * stime, clock ticks): so the ceiling benchmark can say how much of a client's CPU per request is
 * its event loops and sending thread, and how much a young JVM's JIT compiler and GC. A thread that
 * ended between two samples is missing from the later one (its time is not counted).
 */
final class ThreadCpu {

  private ThreadCpu() {}

  /** Per thread id: its role, CPU ticks and voluntary context switches. */
  static Map<Long, Sample> sample(long pid) throws IOException {
    Map<Long, Sample> out = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(Long.parseLong(task.getFileName().toString()),
              new Sample(comm, role(comm), Long.parseLong(f[11]) + Long.parseLong(f[12]), switches(task), runQueueWait(task)));
        } catch (NoSuchFileException e) {
          // the thread ended while we listed
        }
      }
    }
    return out;
  }

  /**
   * @param comm     the thread's name as Linux keeps it (15 characters)
   * @param ticks    utime + stime, clock ticks
   * @param switches voluntary context switches (the thread blocked: for an event loop, each is one sleep in
   *                 {@code epoll_wait} and so one wake-up)
   * @param waitNanos time the thread was runnable but waiting for a CPU (run-queue wait: the second field of
   *                 {@code /proc/PID/task/TID/schedstat}, nanoseconds; -1 where the kernel does not keep it):
   *                 another task held the thread's core. It does not include time the hypervisor stole from
   *                 the virtual CPU while the thread ran (that shows as steal in {@code /proc/stat})
   */
  record Sample(String comm, String role, long ticks, long switches, long waitNanos) {}

  private static long runQueueWait(Path task) {
    dev.capkit.core.os.LinuxThreads.SchedStat s = dev.capkit.core.os.LinuxThreads.schedstat(
        Long.parseLong(task.getParent().getParent().getFileName().toString()), Long.parseLong(task.getFileName().toString()));
    return s == null ? -1 : s.waitNanos(); // -1: a kernel without schedstats, or the thread ended
  }

  /** Run-queue wait (nanoseconds) per role between two samples; threads started in between count from zero. */
  static Map<String, Long> waitByRole(Map<Long, Sample> before, Map<Long, Sample> after) {
    Map<String, Long> out = new LinkedHashMap<>();
    after.forEach((tid, s) -> {
      Sample b = before.get(tid);
      if (s.waitNanos() >= 0) {
        out.merge(s.role(), s.waitNanos() - (b == null || b.waitNanos() < 0 ? 0 : b.waitNanos()), Long::sum);
      }
    });
    return out;
  }

  private static long switches(Path task) throws IOException {
    for (String line : Files.readAllLines(task.resolve("status"))) {
      if (line.startsWith("voluntary_ctxt_switches:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }

  /** Voluntary context switches of one role's threads between two samples. */
  static long switches(Map<Long, Sample> before, Map<Long, Sample> after, String role) {
    long n = 0;
    for (Map.Entry<Long, Sample> e : after.entrySet()) {
      if (e.getValue().role().equals(role)) {
        Sample b = before.get(e.getKey());
        n += e.getValue().switches() - (b == null ? 0 : b.switches());
      }
    }
    return n;
  }

  /** Ticks spent per role between two samples (threads started in between count from zero). */
  static Map<String, Long> byRole(Map<Long, Sample> before, Map<Long, Sample> after) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String r : new String[] {"event loops", "sender", "engine", "JIT", "safepoint", "GC", "other"}) {
      out.put(r, 0L);
    }
    after.forEach((tid, s) -> {
      Sample b = before.get(tid);
      out.merge(s.role(), s.ticks() - (b == null ? 0 : b.ticks()), Long::sum);
    });
    return out;
  }

  /** The {@code n} threads with the most ticks between two samples, as {@code name=ticks}, busiest first. */
  static String busiest(Map<Long, Sample> before, Map<Long, Sample> after, int n) {
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getValue().comm() + "#" + e.getKey(),
            e.getValue().ticks() - (before.containsKey(e.getKey()) ? before.get(e.getKey()).ticks() : 0)))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(n)
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
  }

  static String role(String comm) {
    if (comm.startsWith("capkit-loadgen") || comm.startsWith("capkit-control") || comm.startsWith("multiThreadIoEv")
        || comm.startsWith("emulator-io")) {
      return "event loops"; // the emulator's: its acceptor keeps Netty's default name (cut to 15 characters)
    }
    if (comm.equals("capkit-engine")) {
      return "engine"; // the emulator's engine thread
    }
    if (comm.equals("java") || comm.equals("main")) {
      return "sender"; // the main thread of CeilingClient sends (Linux names it after the process)
    }
    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
      return "JIT";
    }
    if (comm.equals("VM Thread") || comm.startsWith("GC Thread")) {
      return "safepoint"; // the VM operation thread and G1's stop-the-world workers: busy only while Java threads are stopped
    }
    if (comm.startsWith("G1 ") || comm.startsWith("Z")) {
      return "GC";
    }
    return "other";
  }
}
