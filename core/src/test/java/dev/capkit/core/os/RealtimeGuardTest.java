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
  /** The known answers below are for this rule: demote at 80% over 0.5 s, promote under 50% over 3 s, JIT <= 10%. */
  private static final Rule RULE = new Rule(0.80, 500 * MS, 0.50, 3000 * MS, 0.10);

  /**
   * Feeds a tracker samples every period from {@code fromNanos} to {@code fromNanos + forNanos} (both included); after
   * each sample the counters grow by the given shares of a period (so a sample's shares describe the period after it).
   * Returns each action as "ACTION@ms".
   */
  private static List<String> drive(Tracker t, long fromNanos, long[] counters, double runShare, double waitShare,
      double jitShare, long forNanos) {
    List<String> actions = new ArrayList<>();
    for (long at = fromNanos; at <= fromNanos + forNanos; at += STEP) {
      Action a = t.observe(at, counters[0], counters[1], counters[2]);
      if (a != Action.NONE) {
        actions.add(a + "@" + at / MS);
      }
      counters[0] += (long) (runShare * STEP);
      counters[1] += (long) (waitShare * STEP);
      counters[2] += (long) (jitShare * STEP);
    }
    return actions;
  }

  @Test
  void aThreadRunning90PercentIsDemotedOnceAFullWindowShowsIt() {
    Tracker t = new Tracker(RULE, true);
    // samples at 0, 250, 500 ms: at 500 ms the window [0, 500] shows 90% run
    assertEquals(List.of("DEMOTE@500"), drive(t, 0, new long[3], 0.90, 0.05, 0, 1500 * MS));
    assertEquals(0.90, t.lastShare(), 1e-9);
    assertFalse(t.realtime());
  }

  @Test
  void aThreadRunning70PercentStaysRealtime() {
    Tracker t = new Tracker(RULE, true);
    assertEquals(List.of(), drive(t, 0, new long[3], 0.70, 0.0, 0, 20_000 * MS));
    assertTrue(t.realtime());
  }

  @Test
  void aBurstShorterThanTheWindowDoesNotDemote() {
    Tracker t = new Tracker(RULE, true);
    long[] c = new long[3];
    List<String> a = new ArrayList<>(drive(t, 0, c, 0.30, 0, 0, 2000 * MS)); // 2 s light
    a.addAll(drive(t, 2250 * MS, c, 1.0, 0, 0, 0)); // 250 ms at 100%: no half second averages more than 65%
    a.addAll(drive(t, 2500 * MS, c, 0.30, 0, 0, 2000 * MS));
    assertEquals(List.of(), a);
  }

  @Test
  void aDemotedThreadComesBackAfterThreeSecondsOfNeedingUnderHalfACpu() {
    Tracker t = new Tracker(RULE, true);
    long[] c = new long[3];
    assertEquals(List.of("DEMOTE@500"), drive(t, 0, c, 0.95, 0, 0, 500 * MS));
    // ordinary: still busy (runs 50% and waits 45% behind the compiler) until 3000 ms, then light at 20% + 5%
    List<String> a = new ArrayList<>(drive(t, 750 * MS, c, 0.50, 0.45, 0, 2000 * MS));
    a.addAll(drive(t, 3000 * MS, c, 0.20, 0.05, 0, 2000 * MS));
    // a window of 3 s holding a s of the busy part averages (0.95 a + 0.25 (3 - a)) / 3 <= 0.5 when a <= 1.07 s: the
    // window [1750, 4750] has 1.25 s (0.54), the window [2000, 5000] 1.0 s (0.483): promoted at 5000 ms
    assertEquals(List.of("PROMOTE@5000"), a);
    assertTrue(t.realtime());
    assertEquals((1.0 * 0.95 + 2.0 * 0.25) / 3, t.lastShare(), 1e-9);
  }

  @Test
  void aThreadThatStaysSaturatedStaysOrdinary() {
    Tracker t = new Tracker(RULE, true);
    long[] c = new long[3];
    assertEquals(List.of("DEMOTE@500"), drive(t, 0, c, 0.95, 0.0, 0, 500 * MS));
    assertEquals(List.of(), drive(t, 750 * MS, c, 0.55, 0.40, 0, 30_000 * MS));
    assertFalse(t.realtime());
  }

  @Test
  void promotedAgainItCanBeDemotedAgainButOnlyOnAWindowOfItsNewState() {
    Tracker t = new Tracker(RULE, true);
    long[] c = new long[3];
    drive(t, 0, c, 0.95, 0, 0, 500 * MS);
    // [500, 3500]: 250 ms at 95% and 2750 ms at 10% = 17%
    assertEquals(List.of("PROMOTE@3500"), drive(t, 750 * MS, c, 0.10, 0.0, 0, 2750 * MS));
    // [3500, 4000] still holds 250 ms at 10% (54%); [3750, 4250] is all 99%
    assertEquals(List.of("DEMOTE@4250"), drive(t, 3750 * MS, c, 0.99, 0.0, 0, 500 * MS));
  }

  @Test
  void aThreadStartedOrdinaryWaitsForTheJitToGoQuiet() {
    Tracker t = new Tracker(RULE, false);
    long[] c = new long[3];
    // light (10%), but the JVM compiles 30% of the time until 3250 ms: the 3-s window must hold at most 1 s of it
    List<String> a = new ArrayList<>(drive(t, 0, c, 0.10, 0, 0.30, 3000 * MS));
    a.addAll(drive(t, 3250 * MS, c, 0.10, 0, 0, 3000 * MS));
    assertEquals(List.of("PROMOTE@5250"), a);
    assertEquals(0.10, t.lastJitShare(), 1e-9);
    assertEquals(List.of("PROMOTE@3000"), drive(new Tracker(RULE, false), 0, new long[3], 0, 0, 0, 5000 * MS));
  }

  @Test
  void theDefaultRuleLeavesALoopNeedingHalfACpuOrdinary() {
    Tracker t = new Tracker(Rule.DEFAULT, false);
    assertEquals(List.of(), drive(t, 0, new long[3], 0.45, 0.05, 0, 30_000 * MS));
    Tracker light = new Tracker(Rule.DEFAULT, false);
    long[] c = new long[3];
    assertEquals(List.of("PROMOTE@3000"), drive(light, 0, c, 0.20, 0.02, 0.01, 3000 * MS));
    // [3250, 3750] at 65% (the half second before holds 250 ms at 20%: 42.5%)
    assertEquals(List.of("DEMOTE@3750"), drive(light, 3250 * MS, c, 0.65, 0, 0, 500 * MS));
  }

  @Test
  void rulesAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new Rule(0.5, MS, 0.6, MS, 0.1)); // promote above demote
    assertThrows(IllegalArgumentException.class, () -> new Rule(1.2, MS, 0.5, MS, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new Rule(0.8, 0, 0.5, MS, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new Rule(0.8, MS, 0.5, MS, 0));
  }

  /**
   * The whole guard on this JVM: a real-time thread that spins is put back in SCHED_OTHER within a few seconds, and
   * made real-time again once it sleeps. Needs the right to set real-time priorities (root here; otherwise the test
   * ends at the refusal, which must then name chrt). The spinning thread holds one of the machine's CPUs for at most
   * about 1 s (the guard's window plus its period, and the kernel's real-time throttling bounds it anyway); the
   * tolerances (5 s to demote, 15 s to promote: 3 s light with the JIT quiet) are generous for a loaded 2-core machine
   * and still far shorter than
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
    try (RealtimeGuard guard = new RealtimeGuard("test", RULE)) {
      try {
        guard.add(worker, tid[0], 2, true);
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
      assertTrue(guard.describe().contains("1 demotion(s)"), guard.describe());
      until = System.nanoTime() + 15_000 * MS;
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
