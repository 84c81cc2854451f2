package dev.capkit.llamacpp.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Linux CPU affinity of this process's threads: read from {@code /proc/self/task/<tid>/status}
 * ({@code Cpus_allowed_list}), set with util-linux {@code taskset -p} (the JDK has no call for it).
 * A thread created later inherits its creator's affinity, which is how llama.cpp's native threads
 * are placed: see {@link ComputePinning}.
 */
public final class CpuAffinity {
  private static final Path TASKS = Path.of("/proc/self/task");

  private CpuAffinity() {
  }

  /** One thread of this process: its kernel id, its name ({@code comm}) and the CPUs it may run on. */
  public record ThreadPlace(long tid, String name, CpuList cpus) {
  }

  /** The CPUs this process may use (its own {@code Cpus_allowed_list}). */
  public static CpuList allowed() {
    return cpusOf(Path.of("/proc/self/status"));
  }

  /** The kernel id of the calling thread ({@code /proc/thread-self} is {@code <pid>/task/<tid>}). */
  public static long currentTid() {
    return dev.capkit.core.os.LinuxThreads.currentTid();
  }

  /** Moves one thread ({@code all == false}) or every thread of the process {@code id} ({@code all}) to {@code cpus}. */
  public static void set(long id, CpuList cpus, boolean all) {
    List<String> command = new ArrayList<>(List.of("taskset", "-p", "-c", cpus.toString(), Long.toString(id)));
    if (all) {
      command.add(1, "-a");
    }
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + said);
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": cannot run taskset (util-linux): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
    }
  }

  /** Every thread of this process with its name and CPUs (threads that end while being read are left out). */
  public static List<ThreadPlace> threads() {
    List<ThreadPlace> out = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : (Iterable<Path>) tasks.sorted()::iterator) {
        try {
          String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
          out.add(new ThreadPlace(Long.parseLong(task.getFileName().toString()), name, cpusOf(task.resolve("status"))));
        } catch (IOException | IllegalStateException e) {
          // the thread ended between the listing and the read: it runs nowhere any more
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(TASKS + ": cannot list this process's threads: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * {@code /proc/self/task/<tid>/schedstat}: nanoseconds on a CPU and waiting on a run queue; zeros when the thread
   * has ended (core's {@link dev.capkit.core.os.LinuxThreads#schedstat}).
   */
  public static long[] schedstat(long tid) {
    dev.capkit.core.os.LinuxThreads.SchedStat s = dev.capkit.core.os.LinuxThreads.schedstat(0, tid);
    return s == null ? new long[] {0, 0} : new long[] {s.runNanos(), s.waitNanos()};
  }

  private static CpuList cpusOf(Path status) {
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return CpuList.parse(status + " Cpus_allowed_list", line.substring(line.indexOf(':') + 1));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(status + ": cannot read it: " + e.getMessage(), e);
    }
    throw new IllegalStateException(status + ": no Cpus_allowed_list line");
  }
}
