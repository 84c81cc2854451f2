package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.LatencyStats;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.distributed.LocalSplit;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.ScenarioEmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8's acceptance check: 3 local injector JVMs at R/3 each, merged, give the offered load's
 * counts and the percentiles of 1 injector JVM at R, against the same emulator.
 *
 * <p>Both runs go through {@link LocalSplit} (separate Gatling JVMs on this test's class path, one
 * common start instant, {@code ./capkit merge}) against a fresh emulator per run (prefix caching would favour the second run), started here from
 * {@code scenarios/split-check.json} (6 req/s for 30 s: chats and 10% phone steps with 1.3 MB
 * screenshot bodies, physics profile). The union of the three shares is the one-injector plan (same
 * send times and contents), and every request carries its plan key, so the emulator gives both runs
 * the same answers: what remains between the two runs is timing jitter (JVM scheduling on shared
 * cores, event-loop wake-ups), which the continuous-batching engine can turn into a different batch
 * for a request now and then.
 *
 * <p>Stated tolerance, per metric (TTFT and E2E of all requests): |p50(3) - p50(1)| <= 10% of
 * p50(1) + 50 ms, and |p99(3) - p99(1)| <= 20% of p99(1) + 200 ms. Counts must be exact. The p99
 * of 164 requests is about the second-slowest request, so one request landing in another batch
 * moves it: in six runs the TTFT p99 gaps were 2 to 300 ms on about 1,530 ms (15% + 100 ms allowed
 * 330 ms, too close), the p50 gaps at most 67 ms.
 */
class LocalSplitAgreementTest {
  private static final double P50_RELATIVE = 0.10;
  private static final double P50_ABSOLUTE_MS = 50;
  private static final double P99_RELATIVE = 0.20;
  private static final double P99_ABSOLUTE_MS = 200;

  @TempDir
  Path dir;

  @Test
  void threeInjectorsAtAThirdOfTheRateMatchOneInjectorAtTheRate() throws Exception {
    Path scenarios = Path.of("../scenarios").toAbsolutePath().normalize();
    Properties props = new Properties();
    props.setProperty("capkit.scenario", "split-check");
    Scenario scenario = ScenarioLoader.load(ScenarioLoader.resolve("split-check", scenarios), Map.of());
    long planned = ArrivalSchedule.plan(scenario).size();
    // Surefire runs tests from a manifest-only jar; its real class path is in this property.
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> jvm = List.of("-Dcapkit.scenariosDir=" + scenarios, "-Dcapkit.scenario=split-check",
        "-Dcapkit.targetKind=emulator");

    // One fresh emulator per run: the two runs send the same requests (paired by plan key), so on a shared
    // emulator the second would find the first's prompts in the prefix cache and skip their prefill.
    StepSummary one;
    try (EmbeddedEmulator emulator = EmbeddedEmulator.start(ScenarioEmulatorOptions.options(scenario, dev.capkit.core.run.RunOptions.parse(props, Map.of())))) {
      one = runAndCheck(1, classpath, emulator.baseUri().toString(), jvm, planned);
    }
    StepSummary three;
    try (EmbeddedEmulator emulator = EmbeddedEmulator.start(ScenarioEmulatorOptions.options(scenario, dev.capkit.core.run.RunOptions.parse(props, Map.of())))) {
      three = runAndCheck(3, classpath, emulator.baseUri().toString(), jvm, planned);
    }
    {

      StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-6s %10s %10s %10s %10s%n",
          "metric", "p50 N=1", "p50 N=3", "p99 N=1", "p99 N=3"));
      for (Metric m : List.of(Metric.TTFT, Metric.E2E)) {
        LatencyStats a = one.metric(m);
        LatencyStats b = three.metric(m);
        table.append(String.format(Locale.ROOT, "%-6s %10.1f %10.1f %10.1f %10.1f%n", m.key(), a.p50(), b.p50(), a.p99(), b.p99()));
      }
      System.out.print(table);
      for (Metric m : List.of(Metric.TTFT, Metric.E2E)) {
        LatencyStats a = one.metric(m);
        LatencyStats b = three.metric(m);
        assertEquals(a.count(), b.count(), m.key() + " samples");
        assertTrue(Math.abs(b.p50() - a.p50()) <= P50_RELATIVE * a.p50() + P50_ABSOLUTE_MS,
            m.key() + " p50 outside 10% + 50 ms:\n" + table);
        assertTrue(Math.abs(b.p99() - a.p99()) <= P99_RELATIVE * a.p99() + P99_ABSOLUTE_MS,
            m.key() + " p99 outside 20% + 200 ms:\n" + table);
      }
    }
  }

  /** Runs the scenario split over {@code n} injector JVMs and checks the merged counts against the plan. */
  private StepSummary runAndCheck(int n, String classpath, String target, List<String> jvm, long planned) throws Exception {
    LocalSplit.Result r = LocalSplit.run(new LocalSplit.Options(n, classpath, target, jvm, dir.resolve("n" + n),
        Duration.ZERO, Duration.ofMinutes(3), "1G"), System.out);
    assertEquals(0, r.exitCode(), "every injector exited 0: " + r.injectors());
    assertEquals(List.of(), r.late(), "every injector was ready by the common start instant");
    RunReader.Run merged = RunReader.read(r.merged());
    assertEquals("complete", merged.manifest().status());
    assertEquals("emulator", merged.manifest().target().kind());
    assertEquals(1, merged.steps().size());
    StepSummary s = merged.steps().get(0);
    assertEquals(planned, s.sent(), "N=" + n + ": the merged run sent exactly the planned requests");
    assertEquals(s.sent(), s.ok(), "N=" + n + ": every request answered: " + s.errors());
    assertEquals(planned, RunReader.histogram(r.merged(), s.id(), Metric.E2E).get("*").getTotalCount(),
        "N=" + n + ": the merged E2E histogram holds every request");
    return s;
  }
}
