package dev.capkit.emulator.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real-time scheduling ({@code SCHED_FIFO}) for the calling thread, through util-linux's {@code chrt -f -p}. Linux
 * only; needs root, {@code CAP_SYS_NICE} or an {@code RLIMIT_RTPRIO} (e.g. {@code ulimit -r 99}) that allows the
 * priority. A real-time thread takes its CPU from every ordinary task the moment it wakes instead of waiting in the
 * run queue for that task's slice to end: on a shared machine that wait was the emulator's token-timing tail
 * (emulator/README.md, "Benchmark").
 */
public final class Realtime {
  private Realtime() {}

  /** The calling thread's kernel id, from {@code /proc/thread-self} ({@code <pid>/task/<tid>}). */
  static long currentTid() throws IOException {
    Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
    return Long.parseLong(link.getFileName().toString());
  }

  /**
   * Puts the calling thread in {@code SCHED_FIFO} at {@code priority}.
   *
   * @throws IllegalArgumentException priority outside 1..99
   * @throws IllegalStateException    when it cannot be done, with the reason (chrt's own message when it ran)
   */
  public static void currentThread(int priority) {
    if (priority < 1 || priority > 99) {
      throw new IllegalArgumentException("real-time priority " + priority + ": expected 1..99");
    }
    long tid;
    try {
      tid = currentTid();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot find this thread's id in /proc/thread-self (Linux only): " + e.getMessage(), e);
    }
    String command = "chrt -f -p " + priority + " " + tid;
    try {
      Process chrt = new ProcessBuilder("chrt", "-f", "-p", Integer.toString(priority), Long.toString(tid))
          .redirectErrorStream(true).start();
      String said = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (chrt.waitFor() != 0) {
        throw new IllegalStateException(command + " failed: " + said
            + " (SCHED_FIFO needs root, CAP_SYS_NICE or an RLIMIT_RTPRIO of at least " + priority + ")");
      }
    } catch (IOException e) {
      throw new IllegalStateException(command + ": cannot run chrt (util-linux): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(command + ": interrupted", e);
    }
  }
}
