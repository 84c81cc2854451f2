package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.ScenarioEmulatorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live metrics read back through a real Prometheus: the test starts Prometheus (scraping every
 * second) on loopback, runs the main job in process against the embedded emulator with
 * {@code -Dcapkit.metricsPort}, two 5-second steps of short chats at 4 and 8 requests/s (instant
 * profile), then asks Prometheus' HTTP API for capkit's series and compares them with the run folder
 * written by the same run.
 */
class LiveMetricsPrometheusTest {
  @TempDir
  Path dir;

  @RegisterExtension
  final InProcessMainJob mainJob = new InProcessMainJob();

  private static final String SCENARIO = """
      {
        "capkitScenario": 1,
        "name": "live-metrics",
        "description": "LiveMetricsPrometheusTest: two short open-loop steps of short chats against the instant emulator",
        "seed": 17,
        "model": "autoglm-phone-9b",
        "emulator": { "tier": "gn7e-c16g1.4xlarge", "dtype": "bf16", "profile": "instant" },
        "mix": [
          { "kind": "chat", "weight": 0.8, "type": "chat", "stream": true, "promptTokens": { "median": 100, "p90": 200 }, "maxTokens": 32 },
          { "kind": "chat-blocking", "weight": 0.2, "type": "chat", "stream": false, "promptTokens": { "median": 100, "p90": 200 }, "maxTokens": 16 }
        ],
        "load": { "model": "open", "qps": [4, 8], "stepDuration": "5s", "arrivals": "poisson" },
        "network": ["none"],
        "slo": { "e2e.p99": "30s", "ttft.p99": "10s", "errors": "1%", "failBuild": false },
        "timeouts": { "connect": "2s", "firstByte": "30s", "total": "60s" }
      }
      """;

  /**
   * {@code -Dcapkit.prometheus}: Prometheus scrapes a standalone emulator every second; the run sends
   * to that emulator, does not scrape it itself, and takes its server samples from Prometheus over the
   * run's window (selected by instance).
   */
  @Test
  void serverSamplesComeFromPrometheusOverTheRunsWindow() throws Exception {
    LocalPrometheus.requireBinary();
    Path scenario = Files.writeString(dir.resolve("live.json"), SCENARIO);
    Scenario loaded = ScenarioLoader.load(scenario, Map.of());
    try (EmbeddedEmulator emulator = EmbeddedEmulator.start(ScenarioEmulatorOptions.options(loaded, dev.capkit.core.run.RunOptions.parse(new Properties(), Map.of())))) {
      String instance = emulator.baseUri().getHost() + ":" + emulator.baseUri().getPort();
      int port = LocalPrometheus.freePort();
      try (LocalPrometheus prometheus = LocalPrometheus.start(dir, List.of(instance, "127.0.0.1:" + port))) {
        int status = mainJob.run(dir, Map.of("capkit.scenario", scenario.toString(), "capkit.target", emulator.baseUri().toString(),
            "capkit.targetKind", "emulator", "capkit.prometheus", prometheus.base().toString(),
            "capkit.prometheusSelector", "{instance=\"" + instance + "\"}", "capkit.metricsPort", Integer.toString(port),
            "capkit.requestLog", "true"));
        assertEquals(0, status);
        Path folder = InProcessMainJob.onlyRun(dir).folder();
        ServerSamplesReader.Samples samples = ServerSamplesReader.read(folder).orElseThrow(() -> new AssertionError("no server samples"));
        assertTrue(samples.source().startsWith("Prometheus " + prometheus.base() + ": process_cpu_seconds_total{instance=\"" + instance + "\"}["),
            samples.source());
        assertTrue(samples.samples().size() >= 8, "about one sample a second over the 10-s run: " + samples.samples().size());
        for (ServerSample s : samples.samples()) {
          assertTrue(s.values().containsKey("process_cpu_seconds_total") && s.values().containsKey("vllm:num_requests_running"), s.toString());
        }
        assertEquals(1.0, samples.intervalSeconds(), 0.2, "Prometheus' scrape interval");

        // The exports of the same run: every request in requests.jsonl, the steps in steps.csv.
        RunReader.Run run = RunReader.read(folder);
        List<dev.capkit.core.results.RequestLogReader.Entry> log = dev.capkit.core.results.RequestLogReader.read(folder).orElseThrow();
        for (StepSummary step : run.steps()) {
          assertEquals(step.sent(), log.stream().filter(e -> e.step().equals(step.id())).count(), step.id());
        }
        List<String> csv = Files.readAllLines(folder.resolve(dev.capkit.core.results.StepSummaryCsv.FILE_NAME));
        assertEquals(run.steps().size() + 2, csv.size());
        assertTrue(csv.get(2).startsWith(run.steps().get(0).id() + ",0,none,4,qps,"), csv.get(2));

        // Every query of the shipped Grafana dashboard answers with data from the run's and the server's series.
        java.time.Instant during = java.time.Instant.parse(run.steps().get(1).startedAt()).plusSeconds(4); // inside the second step
        for (String expr : GrafanaDashboardTest.expressions()) {
          String q = expr.replace("$__rate_interval", "10s");
          assertTrue(!prometheus.query(q, during).isEmpty(), "dashboard query answered nothing at " + during + ": " + q);
        }
      }
    }
  }

  @Test
  void prometheusScrapesALiveRunAndItsSeriesMatchTheRunFolder() throws Exception {
    LocalPrometheus.requireBinary();
    int port = LocalPrometheus.freePort();
    try (LocalPrometheus prometheus = LocalPrometheus.start(dir, List.of("127.0.0.1:" + port))) {
      Path scenario = Files.writeString(dir.resolve("live.json"), SCENARIO);
      int status = mainJob.run(dir, Map.of("capkit.scenario", scenario.toString(), "capkit.metricsPort", Integer.toString(port)));
      assertEquals(0, status);
      RunReader.Run run = InProcessMainJob.onlyRun(dir);
      assertEquals(2, run.steps().size());
      assertTrue(prometheus.single("max_over_time(up{job=\"capkit\"}[5m])") == 1, "Prometheus scraped capkit");
      for (StepSummary step : run.steps()) {
        String s = "step=\"" + step.id() + "\"";
        assertEquals(step.ok(), prometheus.single("sum(last_over_time(capkit_requests_total{" + s + ",outcome=\"ok\"}[5m]))"), step.id());
        assertEquals(step.sent(), prometheus.single("sum(last_over_time(capkit_requests_total{" + s + "}[5m]))"), step.id());
        assertEquals(step.sent(), prometheus.single("last_over_time(capkit_requests_sent_total{" + s + "}[5m])"), step.id());
        assertEquals(step.metric(Metric.TTFT).count(), prometheus.single("sum(last_over_time(capkit_ttft_seconds_count{" + s + "}[5m]))"), step.id());
        assertEquals(step.ok(), prometheus.single("sum(last_over_time(capkit_e2e_seconds_count{" + s + "}[5m]))"), step.id());
        assertEquals(step.achievedQps(), prometheus.single("last_over_time(capkit_step_achieved_rate{" + s + "}[5m])"), 1e-9, step.id());
        assertEquals(step.offered(), prometheus.single("last_over_time(capkit_step_offered_rate{" + s + "}[5m])"), 1e-9, step.id());
        assertEquals(0, prometheus.single("last_over_time(capkit_requests_in_flight{" + s + "}[5m])"), step.id());
        assertTrue(prometheus.single("sum(last_over_time(capkit_itl_seconds_count{" + s + "}[5m]))") > 0, step.id());
        assertEquals(step.sent(), prometheus.single("sum(last_over_time(capkit_schedule_lag_seconds_count{" + s + "}[5m]))"), step.id());
      }
      // The emulated GPU (DCGM names) is in the run's server samples and the report's per-step table.
      List<dev.capkit.core.results.ServerSample> server = dev.capkit.core.results.ServerSamplesReader.read(run.folder()).orElseThrow().samples();
      assertTrue(server.stream().anyMatch(x -> x.value("DCGM_FI_DEV_POWER_USAGE") >= 40), "A100 80GB power model: at least 40 W idle");
      String report = Files.readString(run.folder().resolve("report.html"));
      assertTrue(report.contains("Server gauges and GPU per step") && report.contains("GPU power mean W")
          && report.contains("emulated (capkit") && report.contains("server-gpu-") && report.contains("server-queue-"),
          "report shows the GPU per step and the gauges over time");
      // While the run went: the second step's count grew over several scrapes, not in one final jump.
      String second = run.steps().get(1).id();
      assertTrue(prometheus.single("count_over_time(capkit_requests_total{step=\"" + second + "\",outcome=\"ok\",kind=\"chat\"}[5m])") >= 3,
          "several scrapes during the step");
    }
  }
}
