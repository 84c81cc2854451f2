package dev.capkit.loadgen.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Counts the system calls of a process (all its threads) between {@link #start} and {@link #stop}
 * with {@code perf stat -e raw_syscalls:sys_enter -p PID} (the kernel's tracepoint counter; needs
 * perf and permission to trace the process). Used by {@link CeilingBenchmark} with
 * {@code -Dbench.syscalls=true} to show how many system calls a streamed request costs the client.
 */
final class SyscallCount {

  private final Process perf;

  private SyscallCount(Process perf) {
    this.perf = perf;
  }

  static SyscallCount start(long pid) throws IOException {
    Process perf = new ProcessBuilder("perf", "stat", "-x", " ", "-e", "raw_syscalls:sys_enter", "-p", Long.toString(pid))
        .redirectErrorStream(true).start();
    return new SyscallCount(perf);
  }

  /** Stops counting (SIGINT, as perf expects) and returns the count; -1 when perf gave none. */
  long stop() throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start().waitFor();
    if (!perf.waitFor(10, TimeUnit.SECONDS)) {
      perf.destroyForcibly();
      return -1;
    }
    String out = new String(perf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    for (String line : out.split("\\n")) {
      String[] f = line.trim().split(" ");
      if (line.contains("raw_syscalls:sys_enter") && f.length > 0 && f[0].matches("[0-9]+")) {
        return Long.parseLong(f[0]);
      }
    }
    System.err.println("perf stat gave no count: " + out.trim());
    return -1;
  }
}
