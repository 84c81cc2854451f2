package dev.capkit.core.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process's threads as Linux shows them ({@code /proc/<pid>/task}): their names, their run-queue wait, and their
 * scheduling policy, which {@link #setFifo} changes with util-linux {@code chrt} (the JDK has no call for it). One
 * place for what the load generator's real-time option ({@code -Dcapkit.loadgen.realtime}), the ceiling benchmark and
 * the emulator's benchmark each need; a process id of {@code 0} means this JVM ({@code /proc/self}).
 *
 * <p>{@code SCHED_FIFO}: a waking real-time thread takes its CPU from any ordinary ({@code SCHED_OTHER}) task at once,
 * where the fair scheduler lets a task that got the CPU while the thread slept finish its slice (milliseconds)
 * first; it needs the right to set real-time priorities (root, {@code CAP_SYS_NICE}, or an {@code RLIMIT_RTPRIO}
 * ({@code ulimit -r}) of at least the priority). The kernel's real-time throttling
 * ({@code /proc/sys/kernel/sched_rt_runtime_us}, by default 95% of each second) leaves ordinary tasks some CPU even
 * if a real-time thread spins.
 */
public final class LinuxThreads {

  /** Highest {@code SCHED_FIFO} priority Linux accepts (the lowest is 1). */
  public static final int MAX_FIFO_PRIORITY = 99;

  private LinuxThreads() {}

  /** One thread: its kernel id and its name ({@code comm}: at most 15 characters, Java thread names cut). */
  public record Task(long tid, String name) {}

  /** Scheduling counters of one thread ({@code schedstat}): nanoseconds on a CPU, and runnable but waiting for one. */
  public record SchedStat(long runNanos, long waitNanos) {}

  /** A thread's scheduling policy was not changed: {@code chrt} refused or could not run; the message says why. */
  public static final class RealtimeRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RealtimeRefused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The threads of process {@code pid} (0: this JVM), by id; threads that end while being listed are left out. */
  public static List<Task> tasks(long pid) {
    Path dir = taskDir(pid);
    List<Task> out = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir)) {
      for (Path task : tasks) {
        try {
          out.add(new Task(Long.parseLong(task.getFileName().toString()),
              Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim()));
        } catch (NoSuchFileException e) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(dir + ": cannot list the threads: " + e.getMessage(), e);
    }
    out.sort(java.util.Comparator.comparingLong(Task::tid));
    return out;
  }

  /**
   * {@code /proc/<pid>/task/<tid>/schedstat}, or null when the thread has ended or the kernel keeps no scheduler
   * statistics.
   */
  public static SchedStat schedstat(long pid, long tid) {
    Path file = taskDir(pid).resolve(Long.toString(tid)).resolve("schedstat");
    try {
      String[] f = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
      return f.length < 2 ? null : new SchedStat(Long.parseLong(f[0]), Long.parseLong(f[1]));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException(file + ": cannot read it: " + e.getMessage(), e);
    }
  }

  /** The kernel id of the calling thread ({@code /proc/thread-self} links to {@code <pid>/task/<tid>}). */
  public static long currentTid() {
    try {
      return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
      throw new IllegalStateException("/proc/thread-self: cannot tell this thread's id: " + e.getMessage(), e);
    }
  }

  /**
   * The scheduling policy and real-time priority of a thread (fields 41 and 40 of {@code /proc/<pid>/task/<tid>/stat}:
   * policy 0 = {@code SCHED_OTHER}, 1 = {@code SCHED_FIFO}, 2 = {@code SCHED_RR}), or null when the thread has ended.
   */
  public static int[] policy(long pid, long tid) {
    Path file = taskDir(pid).resolve(Long.toString(tid)).resolve("stat");
    try {
      String stat = Files.readString(file, StandardCharsets.UTF_8);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new int[] {Integer.parseInt(f[38]), Integer.parseInt(f[37])}; // field n is f[n - 3]
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(file + ": cannot read it: " + e.getMessage(), e);
    }
  }

  /** Puts thread {@code tid} (of any process) in {@code SCHED_FIFO} at {@code priority} (1..99): {@code chrt -f -p}. */
  public static void setFifo(long tid, int priority) {
    if (priority < 1 || priority > MAX_FIFO_PRIORITY) {
      throw new IllegalArgumentException("SCHED_FIFO priority " + priority + " is not in 1.." + MAX_FIFO_PRIORITY);
    }
    run(List.of("chrt", "-f", "-p", Integer.toString(priority), Long.toString(tid)));
  }

  /** Puts thread {@code tid} back in {@code SCHED_OTHER} ({@code chrt -o -p 0}); a thread that has ended is left. */
  public static void setOrdinary(long tid) {
    run(List.of("chrt", "-o", "-p", "0", Long.toString(tid)));
  }

  /** Runs {@code command} (a {@code chrt} call); a non-zero exit or a failure to start is a {@link RealtimeRefused}. */
  static void run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new RealtimeRefused(String.join(" ", command) + " did not finish within 10 s", null);
      }
      if (p.exitValue() != 0) {
        throw new RealtimeRefused(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
            + (said.isEmpty() ? "no message" : said), null);
      }
    } catch (IOException e) {
      throw new RealtimeRefused(String.join(" ", command) + ": cannot run " + command.get(0) + " (util-linux): "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RealtimeRefused(String.join(" ", command) + ": interrupted", e);
    }
  }

  private static Path taskDir(long pid) {
    return Path.of("/proc", pid == 0 ? "self" : Long.toString(pid), "task");
  }
}
