package dev.capkit.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.SloSet;
import dev.capkit.core.scenario.StepPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StepRecorderTest {

  private static StepRecorder recorder() {
    return new StepRecorder(new StepPlan(0, "s00", 10, "qps", "none", Duration.ZERO, Duration.ofSeconds(10)),
        new SloSet(List.of(), 0.01, false));
  }

  private static RequestRecord ok(String id, long e2eNanos, long[] itl) {
    return new RequestRecord(id, "t" + id, "chat", 0, 0, 1_000_000, e2eNanos, itl, 10, itl.length + 1, Outcome.OK, 200, "");
  }

  @Test
  void slowestAreTheFiveLargestE2eRecordedFromTwoThreads() throws InterruptedException {
    StepRecorder recorder = recorder();
    List<RequestRecord> records = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 4_000; i++) {
      records.add(ok("r" + i, 1_000_000 + random.nextLong(10_000_000_000L), new long[0]));
    }
    Thread a = new Thread(() -> records.subList(0, 2_000).forEach(recorder::record));
    Thread b = new Thread(() -> records.subList(2_000, 4_000).forEach(recorder::record));
    a.start();
    b.start();
    a.join();
    b.join();
    List<String> expected = records.stream().sorted(Comparator.comparingLong(RequestRecord::e2eNanos).reversed())
        .limit(5).map(RequestRecord::requestId).toList();
    recorder.drainInterval(Metric.E2E, 0, 1);
    StepSummary s = recorder.summarize("a", "b", 10, false);
    assertEquals(expected, s.slowest().stream().map(SlowRequest::requestId).toList());
  }

  /**
   * Counts drained while two threads record (as the writer's flush does every second) nest on every
   * line and, with the straggler recorded after the last drain, add up to the summary's counts.
   */
  @Test
  void countsDrainedWhileRecordingNestPerLineAndAddUpToTheSummary() throws InterruptedException {
    StepRecorder recorder = new StepRecorder(new StepPlan(0, "s00", 10, "qps", "none", Duration.ZERO, Duration.ofSeconds(10)),
        new SloSet(List.of(new dev.capkit.core.scenario.Slo(Metric.E2E.key(), 99, Duration.ofSeconds(5))), 0.01, false));
    List<RequestRecord> records = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 20_000; i++) {
      Outcome o = i % 13 == 0 ? Outcome.HTTP_ERROR : i % 17 == 0 ? Outcome.NOT_SENT : Outcome.OK;
      long e2e = 1_000_000 + random.nextLong(10_000_000_000L); // about half above the 5 s objective
      records.add(new RequestRecord("r" + i, "t" + i, i % 3 == 0 ? "chat" : "phone-step", 0, 0, 1_000_000, e2e, new long[0], 10, 1, o,
          o == Outcome.HTTP_ERROR ? 500 : 200, ""));
    }
    long good = records.stream().filter(r -> r.ok() && r.e2eNanos() <= 5_000_000_000L).count();
    Thread a = new Thread(() -> records.subList(0, 10_000).forEach(recorder::record));
    Thread b = new Thread(() -> records.subList(10_000, 19_999).forEach(recorder::record));
    a.start();
    b.start();
    List<java.util.Map<String, long[]>> lines = new ArrayList<>();
    while (a.isAlive() || b.isAlive()) {
      lines.add(recorder.drainCounts());
    }
    a.join();
    b.join();
    lines.add(recorder.drainCounts());
    recorder.record(records.get(19_999)); // a straggler after the last drain
    recorder.drainInterval(Metric.E2E, 0, 1);
    StepSummary s = recorder.summarize("a", "b", 10, false);
    lines.add(recorder.drainCountsToSummary());
    java.util.Map<String, long[]> totals = new java.util.TreeMap<>();
    for (var line : lines) {
      for (var e : line.entrySet()) {
        long[] c = e.getValue();
        assertTrue(c[0] > 0 && c[1] <= c[0] && c[2] <= c[1], e.getKey() + " " + java.util.Arrays.toString(c));
        long[] t = totals.computeIfAbsent(e.getKey(), k -> new long[3]);
        for (int i = 0; i < 3; i++) {
          t[i] += c[i];
        }
      }
    }
    for (var e : s.kinds().entrySet()) {
      assertEquals(e.getValue().sent(), totals.get(e.getKey())[0], e.getKey() + " sent");
      assertEquals(e.getValue().ok(), totals.get(e.getKey())[1], e.getKey() + " ok");
    }
    assertEquals(20_000, s.sent());
    assertEquals(good, totals.values().stream().mapToLong(t -> t[2]).sum());
    assertEquals(good / 10.0, s.goodputRps(), 1e-4);
    assertTrue(lines.size() > 3, "drained while recording: " + lines.size());
  }

  @Test
  void itlGapsRecordedInRunsEqualOneByOneRecording() {
    StepRecorder recorder = recorder();
    Histogram expected = new Histogram(1, StepRecorder.MAX_MICROS, StepRecorder.SIGNIFICANT_DIGITS);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      long[] itl = new long[64];
      for (int g = 0; g < itl.length; g++) {
        // bundles of zero gaps, equal gaps, and ordinary ones
        itl[g] = g % 5 == 0 ? 0 : g % 7 == 0 ? 20_000_000L : random.nextLong(40_000_000L);
        expected.recordValue(Math.max(1, (itl[g] + 500) / 1000));
      }
      recorder.record(ok("r" + i, 2_000_000_000L, itl));
    }
    Histogram got = recorder.drainInterval(Metric.ITL, 0, 1).get(0);
    assertEquals(expected.getTotalCount(), got.getTotalCount());
    for (double p : new double[] {1, 25, 50, 90, 99, 99.9, 100}) {
      assertEquals(expected.getValueAtPercentile(p), got.getValueAtPercentile(p), "p" + p);
    }
    assertEquals(expected.getMean(), got.getMean(), 1e-9);
  }
}
