package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.LatencyStats;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.distributed.LocalSplit;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.ScenarioEmulatorOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15's TLS "done when": a run against an {@code https://} target (the emulator behind a TLS
 * terminator whose certificate the test makes) measures what the same run measures over plain HTTP,
 * and an untrusted certificate stops the run before any load with a message that names the target
 * and the remedy, unless the insecure opt-in is given (and then run.json says so).
 *
 * <p>Both runs are the vpc-latency-closed scenario without its network profiles: 3 Open-AutoGLM
 * agents (1080x2400 screenshots, 1 s think time) for 20 s, one injector JVM each, same plan keys
 * (same emulator answers); closed loop so each agent keeps its connection.
 *
 * <p>What this can show on the shared 2-core machine these tests run on is gross agreement only,
 * and it asserts exactly that: medians within 50% + 1 s, every request answered. Measured at load
 * average 24-29: TTFT p50 1908 ms plain vs 2466 ms over TLS, E2E p50 3070 vs 3510 ms, and ITL p50
 * 16 ms vs 0 ms: the test's TLS terminator is one more userspace hop in a starved JVM, which
 * delivers the emulator's tokens in bursts, and every new TLS connection costs a handshake that a
 * starved machine stretches to ~0.5 s (an open-loop first version, with a connection per request
 * whenever none was idle, measured TTFT p50 1390 ms vs 171 ms). That per-request figures are the
 * same over TLS as over plain HTTP on one kept-alive connection is pinned in loadgen's TlsTest,
 * against a server with known timing.
 */
class TlsTargetAgreementTest {
  @TempDir
  Path dir;

  private static final Path SCENARIOS = Path.of("../scenarios").toAbsolutePath().normalize();

  @Test
  void aRunOverTlsMeasuresWhatThePlainRunMeasures() throws Exception {
    Scenario scenario = ScenarioLoader.load(ScenarioLoader.resolve("vpc-latency-closed", SCENARIOS),
        Map.of("duration", "20s", "agents", "3", "network", "none"));
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> jvm = List.of("-Dcapkit.scenariosDir=" + SCENARIOS, "-Dcapkit.scenario=vpc-latency-closed",
        "-Dcapkit.duration=20s", "-Dcapkit.agents=3", "-Dcapkit.network=none", "-Dcapkit.timeout.connect=10s",
        "-Dcapkit.targetKind=emulator");
    try (EmbeddedEmulator emulator = EmbeddedEmulator.start(ScenarioEmulatorOptions.options(scenario, dev.capkit.core.run.RunOptions.parse(new Properties(), Map.of())));
         TlsTerminator tls = TlsTerminator.start(dir, new InetSocketAddress("127.0.0.1", emulator.baseUri().getPort()))) {
      RunReader.Run plain = run("plain", classpath, emulator.baseUri().toString(), jvm);
      List<String> tlsJvm = new ArrayList<>(jvm);
      tlsJvm.add("-Dcapkit.caBundle=" + tls.caBundle());
      RunReader.Run overTls = run("tls", classpath, "https://localhost:" + tls.port(), tlsJvm);

      assertTrue(tls.connections.get() > 0, "the TLS run went through the terminator");
      Map<String, String> access = overTls.manifest().target().access();
      assertTrue(access.get("tls").startsWith("TLSv1.3 "), access.toString());
      assertTrue(access.get("trust").startsWith("CA bundle "), access.toString());
      assertEquals("https://localhost:" + tls.port(), overTls.manifest().target().url());

      StepSummary a = plain.steps().get(0);
      StepSummary b = overTls.steps().get(0);
      System.out.println("TLS connections opened: " + tls.connections.get());
      assertEquals(a.sent(), a.ok(), "plain: every request answered: " + a.errors());
      assertEquals(b.sent(), b.ok(), "TLS: every request answered: " + b.errors());
      StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-6s %10s %10s %10s %10s%n",
          "metric", "p50 http", "p50 https", "p99 http", "p99 https"));
      for (Metric m : List.of(Metric.TTFT, Metric.E2E, Metric.ITL)) {
        table.append(String.format(Locale.ROOT, "%-6s %10.1f %10.1f %10.1f %10.1f%n", m.key(),
            a.metric(m).p50(), b.metric(m).p50(), a.metric(m).p99(), b.metric(m).p99()));
      }
      System.out.print(table);
      for (Metric m : List.of(Metric.TTFT, Metric.E2E)) {
        LatencyStats x = a.metric(m);
        LatencyStats y = b.metric(m);
        assertTrue(Math.abs(y.p50() - x.p50()) <= 0.50 * x.p50() + 1_000, m.key() + " p50 outside 50% + 1 s:\n" + table);
      }
    }
  }

  @Test
  void untrustedCertificateStopsTheRunBeforeLoadUnlessInsecure() throws Exception {
    Scenario scenario = ScenarioLoader.load(ScenarioLoader.resolve("split-check", SCENARIOS), Map.of());
    try (EmbeddedEmulator emulator = EmbeddedEmulator.start(ScenarioEmulatorOptions.options(scenario, dev.capkit.core.run.RunOptions.parse(new Properties(), Map.of())));
         TlsTerminator tls = TlsTerminator.start(dir, new InetSocketAddress("127.0.0.1", emulator.baseUri().getPort()))) {
      Properties props = new Properties();
      props.setProperty("capkit.scenariosDir", SCENARIOS.toString());
      props.setProperty("capkit.scenario", "split-check");
      props.setProperty("capkit.target", "https://localhost:" + tls.port());
      props.setProperty("capkit.resultsDir", dir.resolve("runs").toString());
      PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
      ScenarioException e = assertThrows(ScenarioException.class, () -> RunSetup.prepare(props, Map.of(), out));
      assertTrue(e.getMessage().startsWith("-Dcapkit.target: target https://localhost:" + tls.port()
          + ": TLS certificate not trusted"), e.getMessage());
      assertTrue(e.getMessage().contains("-Dcapkit.caBundle=<ca.pem>"), e.getMessage());

      props.setProperty("capkit.insecure", "true");
      try (RunSetup setup = RunSetup.prepare(props, Map.of(), out)) {
        Map<String, String> access = setup.run().writer().manifest().target().access();
        assertTrue(access.get("trust").startsWith("insecure"), access.toString());
      }
    }
  }

  private RunReader.Run run(String name, String classpath, String target, List<String> jvm) throws Exception {
    LocalSplit.Result r = LocalSplit.run(new LocalSplit.Options(1, classpath, target, jvm, dir.resolve(name),
        Duration.ZERO, Duration.ofMinutes(3), "1G"), System.out);
    assertEquals(0, r.exitCode(), name + ": the injector exited 0: " + r.injectors());
    return RunReader.read(r.merged());
  }
}
