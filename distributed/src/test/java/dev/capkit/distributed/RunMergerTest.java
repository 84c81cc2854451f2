package dev.capkit.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.scenario.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merging is exact: N injectors' runs merged equal one injector having recorded every request. */
class RunMergerTest {
  private static final Map<String, String> PLAN = Map.of("qps", "2", "duration", "10s");
  private static final int SECONDS = 10;

  @TempDir
  Path dir;

  @Test
  void mergedHistogramsEqualOneHistogramOfEverythingOverRandomData() throws IOException {
    Scenario scenario = InjectorRuns.scenario(PLAN);
    String step = scenario.steps().get(0).id();
    for (int trial = 0; trial < 12; trial++) {
      SplittableRandom rng = new SplittableRandom(1000 + trial);
      Path t = dir.resolve("trial" + trial);
      List<InjectorRuns.Timed> all = InjectorRuns.records(rng, 50 + rng.nextInt(400), SECONDS);
      Path single = InjectorRuns.write(t.resolve("single"), scenario, all, 0, 1000, SECONDS);
      int n = 2 + rng.nextInt(4);
      List<Path> injectors = new ArrayList<>();
      List<List<InjectorRuns.Timed>> parts = InjectorRuns.split(all, n, rng);
      for (int i = 0; i < n; i++) {
        // each injector flushes at its own sub-second phase: intervals are aligned by absolute time
        injectors.add(InjectorRuns.write(t.resolve("inj" + i), scenario, parts.get(i), 0, 1000, SECONDS));
      }
      RunManifest merged = RunMerger.merge(injectors, t.resolve("merged"));

      StepSummary one = RunReader.read(single).steps().get(0);
      StepSummary sum = merged.steps().get(0);
      String what = "trial " + trial + " (" + all.size() + " requests over " + n + " injectors)";
      assertEquals(RunManifest.COMPLETE, merged.status(), what);
      assertEquals(one.sent(), sum.sent(), what);
      assertEquals(one.ok(), sum.ok(), what);
      assertEquals(one.errors(), sum.errors(), what);
      assertEquals(one.metrics(), sum.metrics(), what + ": latency summaries");
      assertEquals(one.kinds(), sum.kinds(), what + ": per-kind summaries");
      assertEquals(one.slo(), sum.slo(), what + ": objectives");
      assertEquals(one.achievedQps(), sum.achievedQps(), 1e-9, what);
      assertEquals(one.outputTokensPerSecond(), sum.outputTokensPerSecond(), 0.011, what);
      assertEquals(one.goodputRps(), sum.goodputRps(), 1e-9, what);
      assertEquals(one.slowest(), sum.slowest(), what + ": slowest requests");
      // per-second counts: every injector flushed at the same phase, so the merged seconds equal the single run's
      assertEquals(perSecond(RunReader.read(single).counts(step).orElseThrow()),
          perSecond(RunReader.read(t.resolve("merged")).counts(step).orElseThrow()), what + ": counts.csv per kind and second");
      assertTrue(dev.capkit.core.results.RunVerifier.verify(t.resolve("merged")).ok(), what + ": the merged run verifies");
      for (Metric m : Metric.values()) {
        Map<String, Histogram> a = RunReader.histogram(single, step, m);
        Map<String, Histogram> b = RunReader.histogram(t.resolve("merged"), step, m);
        assertEquals(a.keySet(), b.keySet(), what + " " + m);
        for (String kind : a.keySet()) {
          assertEquals(a.get(kind), b.get(kind), what + " " + m + " " + kind + ": histogram");
          for (double p : new double[] {50, 90, 99, 99.9, 100}) {
            assertEquals(a.get(kind).getValueAtPercentile(p), b.get(kind).getValueAtPercentile(p), what + " p" + p);
          }
        }
      }
    }
  }

  /** kind -> second -> "sent/ok/good", summed over a counts file's lines. */
  private static Map<String, Map<Integer, String>> perSecond(dev.capkit.core.results.CountsLog.Content c) {
    Map<String, Map<Integer, long[]>> sums = new java.util.TreeMap<>();
    for (var l : c.lines()) {
      long[] s = sums.computeIfAbsent(l.kind(), k -> new java.util.TreeMap<>()).computeIfAbsent(l.second(), x -> new long[3]);
      s[0] += l.sent();
      s[1] += l.ok();
      s[2] += l.good();
    }
    Map<String, Map<Integer, String>> out = new java.util.TreeMap<>();
    sums.forEach((k, m) -> m.forEach((sec, v) -> out.computeIfAbsent(k, x -> new java.util.TreeMap<>()).put(sec, v[0] + "/" + v[1] + "/" + v[2])));
    return out;
  }

  @Test
  void injectorsStartingAtDifferentSubSecondPhasesStillMergeExactly() throws IOException {
    Scenario scenario = InjectorRuns.scenario(PLAN);
    SplittableRandom rng = new SplittableRandom(7);
    List<InjectorRuns.Timed> all = InjectorRuns.records(rng, 300, SECONDS);
    List<List<InjectorRuns.Timed>> parts = InjectorRuns.split(all, 3, rng);
    List<Path> injectors = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      injectors.add(InjectorRuns.write(dir.resolve("inj" + i), scenario, parts.get(i), 137L * i, 1000, SECONDS));
    }
    RunManifest merged = RunMerger.merge(injectors, dir.resolve("merged"));
    Histogram expected = new Histogram(1, 3_600_000_000L, 3);
    for (InjectorRuns.Timed t : all) {
      if (t.record().ok()) {
        expected.recordValue(Math.max(1, (t.record().ttftNanos() + 500) / 1000));
      }
    }
    Histogram actual = RunReader.histogram(dir.resolve("merged"), scenario.steps().get(0).id(), Metric.TTFT).get("*");
    assertEquals(expected, actual);
    assertEquals(all.size(), merged.steps().get(0).sent());
    assertEquals(SECONDS + 0.274, merged.steps().get(0).durationSeconds(), 1e-9, "window spans all injectors");
    assertTrue(merged.notes().stream().noneMatch(n -> n.contains("apart")), "sub-second phases are normal: " + merged.notes());
    var counts = RunReader.read(dir.resolve("merged")).counts(scenario.steps().get(0).id()).orElseThrow(); // checked against run.json
    assertEquals(all.size(), counts.totals().get("*")[0]);
    assertTrue(counts.lines().stream().anyMatch(l -> l.startMillis() % 1000 == 137), "lines keep each injector's phase: " + counts.lines());
    var verified = dev.capkit.core.results.RunVerifier.verify(dir.resolve("merged"));
    assertTrue(verified.ok(), verified.problems().toString());
  }

  @Test
  void aStepStartedSecondsApartIsMergedWithANote() throws IOException {
    Scenario scenario = InjectorRuns.scenario(PLAN);
    SplittableRandom rng = new SplittableRandom(8);
    List<InjectorRuns.Timed> all = InjectorRuns.records(rng, 200, SECONDS);
    List<List<InjectorRuns.Timed>> parts = InjectorRuns.split(all, 2, rng);
    List<Path> injectors = List.of(InjectorRuns.write(dir.resolve("on-time"), scenario, parts.get(0), 0, 1000, SECONDS),
        InjectorRuns.write(dir.resolve("late"), scenario, parts.get(1), 2_500, 1000, SECONDS));
    RunManifest merged = RunMerger.merge(injectors, dir.resolve("merged"));
    assertEquals(all.size(), merged.steps().get(0).sent());
    String id = scenario.steps().get(0).id();
    assertTrue(merged.notes().contains("step " + id + ": the injectors started it 2.5 s apart (a missed common start instant?):"
        + " its rates are over the union of their windows, so they understate the offered load's peak"), merged.notes().toString());
  }

  @Test
  void refusesRunsOfDifferentSeedsNamingTheRunsAndTheField() throws IOException {
    SplittableRandom rng = new SplittableRandom(3);
    Path a = InjectorRuns.write(dir.resolve("a"), InjectorRuns.scenario(PLAN), InjectorRuns.records(rng, 20, SECONDS), 0, 1000, SECONDS);
    Path b = InjectorRuns.write(dir.resolve("b"), InjectorRuns.scenario(Map.of("qps", "2", "duration", "10s", "seed", "7")),
        InjectorRuns.records(rng, 20, SECONDS), 0, 1000, SECONDS);
    MergeRefusedException e = assertThrows(MergeRefusedException.class, () -> RunMerger.merge(List.of(a, b), dir.resolve("m")));
    assertTrue(e.getMessage().contains("scenario.seed") && e.getMessage().contains(a.toString())
        && e.getMessage().contains(b.toString()), e.getMessage());
  }

  @Test
  void refusesDifferentPlansAndNonOverlappingTimesAndTheSameRunTwice() throws IOException {
    SplittableRandom rng = new SplittableRandom(4);
    Path a = InjectorRuns.write(dir.resolve("a"), InjectorRuns.scenario(PLAN), InjectorRuns.records(rng, 20, SECONDS), 0, 1000, SECONDS);
    Path faster = InjectorRuns.write(dir.resolve("faster"), InjectorRuns.scenario(Map.of("qps", "3", "duration", "10s")),
        InjectorRuns.records(rng, 20, SECONDS), 0, 1000, SECONDS);
    Path later = InjectorRuns.write(dir.resolve("later"), InjectorRuns.scenario(PLAN), InjectorRuns.records(rng, 20, SECONDS),
        60_000, 1000, SECONDS);
    assertTrue(assertThrows(MergeRefusedException.class, () -> RunMerger.merge(List.of(a, faster), dir.resolve("m1")))
        .getMessage().contains("scenario.plannedSteps"));
    String overlap = assertThrows(MergeRefusedException.class, () -> RunMerger.merge(List.of(a, later), dir.resolve("m2")))
        .getMessage();
    assertTrue(overlap.contains("do not overlap") && overlap.contains(later.toString()), overlap);
    assertThrows(MergeRefusedException.class, () -> RunMerger.merge(List.of(a, a), dir.resolve("m3")));
  }

  @Test
  void commandExitsTwoWithTheReasonWhenRefused() throws IOException {
    SplittableRandom rng = new SplittableRandom(5);
    Path a = InjectorRuns.write(dir.resolve("a"), InjectorRuns.scenario(PLAN), InjectorRuns.records(rng, 20, SECONDS), 0, 1000, SECONDS);
    Path b = InjectorRuns.write(dir.resolve("b"), InjectorRuns.scenario(Map.of("qps", "2", "duration", "10s", "seed", "9")),
        InjectorRuns.records(rng, 20, SECONDS), 0, 1000, SECONDS);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = MergeCommand.run(new String[] {a.toString(), b.toString(), "--out", dir.resolve("m").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("scenario.seed"), err.toString(StandardCharsets.UTF_8));
    Path c = InjectorRuns.write(dir.resolve("c"), InjectorRuns.scenario(PLAN), InjectorRuns.records(rng, 20, SECONDS), 0, 1000, SECONDS);
    assertEquals(0, MergeCommand.run(new String[] {a.toString(), c.toString(), "--out", dir.resolve("ok").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals(40, RunReader.read(dir.resolve("ok")).steps().get(0).sent());
  }
}
