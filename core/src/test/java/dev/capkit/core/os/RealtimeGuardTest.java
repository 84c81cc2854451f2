package dev.capkit.core.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.os.RealtimeGuard.Action;
import dev.capkit.core.os.RealtimeGuard.Rule;
import dev.capkit.core.os.RealtimeGuard.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RealtimeGuardTest {

  private static final long MS = 1_000_000L;
  private static final long STEP = RealtimeGuard.PERIOD_MILLIS * MS;

  /** Feeds a tracker samples every period with the given run and wait shares per period; returns each action's time. */
  private static List<String> drive(Tracker t, long fromNanos, long[] counters, double runShare, double waitShare,
      long forNanos) {
    List<String> actions = new ArrayList<>();
    for (long at = fromNanos; at <= fromNanos + forNanos; at += STEP) {
      Action a = t.observe(at, counters[0], counters[1]);
      if (a != Action.NONE) {
        actions.add(a + "@" + at / MS);
      }
      counters[0] += (long) (runShare * STEP);
      counters[1] += (long) (waitShare * STEP);
    }
    return actions;
  }

  @Test
  void aThreadRunning90PercentIsDemotedOnceAFullSecondShowsIt() {
    Tracker t = new Tracker(Rule.DEFAULT);
    // samples at 0, 250, ..., 1000 ms: at 1000 ms the window [0, 1000] shows 90% run
    assertEquals(List.of("DEMOTE@1000"), drive(t, 0, new long[2], 0.90, 0.05, 1500 * MS));
    assertEquals(0.90, t.lastShare(), 1e-9);
    assertFalse(t.realtime());
  }

  @Test
  void aThreadRunning70PercentStaysRealtime() {
    Tracker t = new Tracker(Rule.DEFAULT);
    assertEquals(List.of(), drive(t, 0, new long[2], 0.70, 0.0, 20_000 * MS));
    assertTrue(t.realtime());
  }

  @Test
  void aBurstShorterThanTheWindowDoesNotDemote() {
    Tracker t = new Tracker(Rule.DEFAULT);
    long[] c = new long[2];
    List<String> a = new ArrayList<>(drive(t, 0, c, 0.30, 0, 2000 * MS)); // 2 s light
    a.addAll(drive(t, 2250 * MS, c, 1.0, 0, 250 * MS)); // half a second at 100%: no second averages more than 65%
    a.addAll(drive(t, 3000 * MS, c, 0.30, 0, 2000 * MS));
    assertEquals(List.of(), a);
  }

  @Test
  void aDemotedThreadComesBackAfterThreeSecondsOfNeedingUnderHalfACpu() {
    Tracker t = new Tracker(Rule.DEFAULT);
    long[] c = new long[2];
    assertEquals(List.of("DEMOTE@1000"), drive(t, 0, c, 0.95, 0, 1000 * MS));
    // ordinary: still busy (runs 50% and waits 45% behind the compiler) for 2 s, then light at 20% + 5%
    List<String> a = new ArrayList<>(drive(t, 1250 * MS, c, 0.50, 0.45, 1750 * MS)); // to 3000 ms
    a.addAll(drive(t, 3250 * MS, c, 0.20, 0.05, 2000 * MS)); // to 5250 ms
    // (each sample's increments cover the period after it: needing 95% until 3250 ms, 25% after)
    // a window of 3 s with a s of the busy part averages (0.95 a + 0.25 (3 - a)) / 3 <= 0.5 when a <= 1.07 s: the
    // window [2000, 5000] has 1.25 s (0.54), the window [2250, 5250] 1.0 s (0.483): promoted at 5250 ms
    assertEquals(List.of("PROMOTE@5250"), a);
    assertTrue(t.realtime());
    assertEquals((1.0 * 0.95 + 2.0 * 0.25) / 3, t.lastShare(), 1e-9);
  }

  @Test
  void aThreadThatStaysSaturatedStaysOrdinary() {
    Tracker t = new Tracker(Rule.DEFAULT);
    long[] c = new long[2];
    assertEquals(List.of("DEMOTE@1000"), drive(t, 0, c, 0.95, 0.0, 1000 * MS));
    assertEquals(List.of(), drive(t, 1250 * MS, c, 0.55, 0.40, 30_000 * MS));
    assertFalse(t.realtime());
  }

  @Test
  void promotedAgainItCanBeDemotedAgainButOnlyOnASecondOfItsNewState() {
    Tracker t = new Tracker(Rule.DEFAULT);
    long[] c = new long[2];
    drive(t, 0, c, 0.95, 0, 1000 * MS);
    assertEquals(List.of("PROMOTE@4000"), drive(t, 1250 * MS, c, 0.10, 0.0, 2750 * MS));
    // the second after the promotion includes 250 ms at 10% (77%): demoted on the next one, [4250, 5250] at 99%
    assertEquals(List.of("DEMOTE@5250"), drive(t, 4250 * MS, c, 0.99, 0.0, 1000 * MS));
  }

  @Test
  void rulesAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new Rule(0.5, MS, 0.6, MS)); // promote above demote
    assertThrows(IllegalArgumentException.class, () -> new Rule(1.2, MS, 0.5, MS));
    assertThrows(IllegalArgumentException.class, () -> new Rule(0.8, 0, 0.5, MS));
  }

  /**
   * The whole guard on this JVM: a real-time thread that spins is put back in SCHED_OTHER within a few seconds, and
   * made real-time again once it sleeps. Needs the right to set real-time priorities (root here; otherwise the test
   * ends at the refusal, which must then name chrt). The spinning thread holds one of the machine's CPUs for at most
   * about 2 s (the guard's window plus its period, and the kernel's real-time throttling bounds it anyway); the
   * tolerances (5 s to demote, 8 s to promote) are generous for a loaded 2-core machine and still far shorter than
   * "never".
   */
  @Test
  void aSpinningRealtimeThreadIsDemotedAndPromotedWhenItRests() throws Exception {
    AtomicBoolean spin = new AtomicBoolean(true);
    AtomicBoolean stop = new AtomicBoolean(false);
    long[] tid = new long[1];
    Thread worker = new Thread(() -> {
      tid[0] = LinuxThreads.currentTid();
      while (!stop.get()) {
        if (spin.get()) {
          Math.sqrt(System.nanoTime()); // busy
        } else {
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }, "guard-test-spin");
    worker.setDaemon(true);
    worker.start();
    while (tid[0] == 0) {
      Thread.sleep(1);
    }
    try (RealtimeGuard guard = new RealtimeGuard("test", Rule.DEFAULT)) {
      try {
        guard.add(tid[0], "guard-test-spin", 2);
      } catch (LinuxThreads.RealtimeRefused e) {
        assertTrue(e.getMessage().contains("chrt"), e.getMessage());
        return;
      }
      assertEquals(1, LinuxThreads.policy(0, tid[0])[0], "SCHED_FIFO from add on");
      long until = System.nanoTime() + 5_000 * MS;
      while (LinuxThreads.policy(0, tid[0])[0] != 0 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      spin.set(false);
      assertEquals(0, LinuxThreads.policy(0, tid[0])[0], "a spinning real-time thread goes back to SCHED_OTHER");
      assertTrue(guard.describe().startsWith("demoted 1 time(s)"), guard.describe());
      until = System.nanoTime() + 8_000 * MS;
      while (LinuxThreads.policy(0, tid[0])[0] != 1 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      int[] p = LinuxThreads.policy(0, tid[0]);
      assertEquals(1, p[0], "a resting thread is real-time again");
      assertEquals(2, p[1], "at its priority");
    } finally {
      stop.set(true);
      worker.join(5000);
    }
  }
}
