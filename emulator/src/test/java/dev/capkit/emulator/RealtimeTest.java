package dev.capkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.os.LinuxThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code ./capkit emulator --realtime N} / {@link EmbeddedEmulator#realtime}: the worker event loops and the engine
 * thread really run in SCHED_FIFO (read back from {@code /proc/self/task/TID/stat}) where the system allows it, and a
 * refusal is a clear error; bad values name the flag and exit 2. Linux; the checks that need /proc skip elsewhere.
 */
class RealtimeTest {
  private static final int SCHED_FIFO = 1;

  /** Whether this process may use SCHED_FIFO at {@code priority}: tried on a throwaway thread. */
  private static boolean permitted(int priority) throws InterruptedException {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        LinuxThreads.setFifo(LinuxThreads.currentTid(), priority);
      } catch (RuntimeException e) {
        failure.set(e);
      }
    });
    t.start();
    t.join();
    return failure.get() == null;
  }

  /** Scheduling policy and real-time priority of this JVM's threads whose name starts with {@code prefix}. */
  private static java.util.List<int[]> policies(String prefix) throws IOException {
    java.util.List<int[]> out = new java.util.ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          if (!Files.readString(task.resolve("comm")).trim().startsWith(prefix)) {
            continue;
          }
          String stat = Files.readString(task.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+"); // f[0] is field 3 (state)
          out.add(new int[] {Integer.parseInt(f[41 - 3]), Integer.parseInt(f[40 - 3])}); // policy, rt_priority
        } catch (NoSuchFileException e) {
          // thread ended while listed
        }
      }
    }
    return out;
  }

  @Test
  void workerLoopsAndEngineRunInSchedFifoOrTheRefusalSaysWhy() throws Exception {
    if (!Files.isDirectory(Path.of("/proc/self/task"))) {
      return; // not Linux: nothing to check
    }
    boolean allowed = permitted(3);
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults())) {
      if (!allowed) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> emu.realtime(3));
        assertTrue(e.getMessage().contains("chrt -f -p 3") && e.getMessage().contains("RLIMIT_RTPRIO"), e.getMessage());
        return;
      }
      assertEquals(0, policies("capkit-engine").get(0)[0], "ordinary before");
      int threads = emu.realtime(3);
      assertEquals(Runtime.getRuntime().availableProcessors() + 1, threads);
      int[] engine = policies("capkit-engine").get(0);
      assertEquals(SCHED_FIFO, engine[0]);
      assertEquals(2, engine[1], "engine one below the loops");
      long fifoLoops = policies("emulator-io").stream().filter(p -> p[0] == SCHED_FIFO && p[1] == 3).count();
      assertEquals(Runtime.getRuntime().availableProcessors(), fifoLoops, "every worker loop, not the acceptor");
    }
  }

  @Test
  void badPriorityNamesTheFlagAndExits2() {
    for (String bad : new String[] {"0", "100", "high"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = EmulatorMain.run(new String[] {"--tier", "gn8is.2xlarge", "--port", "0", "--realtime", bad},
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
      assertEquals(2, code);
      String said = err.toString(StandardCharsets.UTF_8);
      assertTrue(said.contains("--realtime '" + bad + "': "), said);
    }
  }

  @Test
  void theCommandLineAppliesItOrExits2() throws Exception {
    if (!Files.isDirectory(Path.of("/proc/self/task"))) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = EmulatorMain.run(new String[] {"--tier", "gn8is.2xlarge", "--port", "0", "--loading-seconds", "0", "--realtime", "2"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
    if (permitted(2)) {
      assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("real-time: SCHED_FIFO 2 for the "), out.toString(StandardCharsets.UTF_8));
    } else {
      assertEquals(2, code);
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("capkit emulator: --realtime 2: chrt -f -p 2"), err.toString(StandardCharsets.UTF_8));
    }
  }
}
