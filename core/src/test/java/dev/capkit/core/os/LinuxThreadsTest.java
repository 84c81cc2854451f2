package dev.capkit.core.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** This JVM's threads as /proc shows them; chrt's refusals surface with its message. Linux only (capkit's platform). */
class LinuxThreadsTest {

  @Test
  void findsTheCallingThreadByNameAndReadsItsCounters() throws Exception {
    String name = "lt-probe-" + System.nanoTime() % 1000;
    long[] tid = new long[1];
    LinuxThreads.SchedStat[] stat = new LinuxThreads.SchedStat[1];
    List<LinuxThreads.Task>[] seen = new List[1];
    Thread t = new Thread(() -> {
      tid[0] = LinuxThreads.currentTid();
      // 10 ms of this thread's own CPU time (not wall time: on a loaded machine a spin may get little CPU), at most 20 s
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpu0 = mx.getCurrentThreadCpuTime();
      long giveUp = System.nanoTime() + 20_000_000_000L;
      while (mx.getCurrentThreadCpuTime() - cpu0 < 10_000_000L && System.nanoTime() < giveUp) {
        Thread.onSpinWait();
      }
      stat[0] = LinuxThreads.schedstat(0, tid[0]);
      seen[0] = LinuxThreads.tasks(0);
    }, name);
    t.start();
    t.join();
    assertTrue(seen[0].contains(new LinuxThreads.Task(tid[0], name)), seen[0].toString());
    assertNotNull(stat[0]);
    assertTrue(stat[0].runNanos() >= 10_000_000L, "ran " + stat[0].runNanos() + " ns"); // the kernel's count of the same
    assertTrue(stat[0].waitNanos() >= 0);
    // join() returns when the Java thread has ended; the kernel task leaves /proc a moment later
    long until = System.nanoTime() + 5_000_000_000L;
    while (LinuxThreads.schedstat(0, tid[0]) != null && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertNull(LinuxThreads.schedstat(0, tid[0]), "an ended thread has no counters (within 5 s of its end)");
    assertEquals(0, LinuxThreads.policy(0, LinuxThreads.currentTid())[0], "a test thread is SCHED_OTHER");
  }

  @Test
  void aRefusalCarriesTheCommandAndItsMessage() {
    LinuxThreads.RealtimeRefused e = assertThrows(LinuxThreads.RealtimeRefused.class,
        () -> LinuxThreads.run(List.of("sh", "-c", "echo 'chrt: failed to set pid 7 policy: Operation not permitted'; exit 1")));
    assertTrue(e.getMessage().contains("failed (exit 1): chrt: failed to set pid 7 policy: Operation not permitted"), e.getMessage());
    e = assertThrows(LinuxThreads.RealtimeRefused.class, () -> LinuxThreads.run(List.of("no-such-chrt-" + System.nanoTime())));
    assertTrue(e.getMessage().contains("cannot run no-such-chrt"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LinuxThreads.setFifo(1, 0));
    assertThrows(IllegalArgumentException.class, () -> LinuxThreads.setFifo(1, 100));
  }
}
