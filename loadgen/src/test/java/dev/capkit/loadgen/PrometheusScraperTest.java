package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus text parser on vLLM-shaped output, and scraping a loopback server into server-metrics.jsonl. */
class PrometheusScraperTest {
  static final String VLLM = """
      # HELP vllm:num_requests_running Number of requests in model execution batches.
      # TYPE vllm:num_requests_running gauge
      vllm:num_requests_running{engine="0",model_name="autoglm-phone-9b"} 3.0
      vllm:num_requests_running{engine="1",model_name="autoglm-phone-9b"} 2.0
      vllm:num_requests_waiting{engine="0",model_name="autoglm-phone-9b"} 7.0
      vllm:kv_cache_usage_perc{engine="0",model_name="autoglm-phone-9b"} 0.125
      vllm:e2e_request_latency_seconds_bucket{le="+Inf",model_name="autoglm-phone-9b"} 42.0
      # TYPE process_cpu_seconds_total counter
      process_cpu_seconds_total 123.45
      process_resident_memory_bytes 3.2212254720e+09 1732550000000
      process_open_fds NaN
      """;

  @TempDir
  Path tmp;

  @Test
  void parsesEverySeriesSummingLabelSetsWithoutBuckets() {
    Map<String, Double> v = PrometheusScraper.parse(VLLM);
    assertEquals(5.0, v.get("vllm:num_requests_running"));
    assertEquals(7.0, v.get("vllm:num_requests_waiting"));
    assertEquals(0.125, v.get("vllm:kv_cache_usage_perc"));
    assertEquals(123.45, v.get("process_cpu_seconds_total"));
    assertEquals(3.221225472e9, v.get("process_resident_memory_bytes"));
    assertFalse(v.containsKey("vllm:e2e_request_latency_seconds_bucket"));
    assertFalse(v.containsKey("process_open_fds"), "NaN is dropped");
    assertEquals(5, v.size());
  }

  @Test
  void scrapesOnItsOwnThreadAndRecordsFailures() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", ex -> {
      int n = calls.incrementAndGet();
      byte[] body = (n == 2 ? "oops" : VLLM.replace("123.45", Double.toString(100.0 + n))).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(n == 2 ? 500 : 200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
    try (ServerSamplesWriter out = ServerSamplesWriter.create(tmp, uri.toString(), 0.05);
         ChatClient client = new ChatClient(new ChatEndpoint(uri.resolve("/"), "m", null, dev.capkit.core.scenario.ClientTimeouts.DEFAULTS), 1);
         PrometheusScraper scraper = PrometheusScraper.start(client, uri, Duration.ofMillis(50), out, warnings::add)) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (calls.get() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      server.stop(0);
    }
    List<ServerSample> samples = ServerSamplesReader.read(tmp).orElseThrow().samples();
    assertTrue(samples.size() >= 5, "samples: " + samples);
    List<ServerSample> failed = samples.stream().filter(x -> !x.ok()).toList();
    assertEquals(1, failed.size(), samples.toString());
    assertEquals("HTTP 500 from " + uri, failed.get(0).error());
    assertTrue(failed.get(0).values().isEmpty());
    double previous = 0;
    for (ServerSample x : samples.stream().filter(ServerSample::ok).toList()) {
      assertTrue(x.value("process_cpu_seconds_total") > previous, samples.toString());
      previous = x.value("process_cpu_seconds_total");
      assertEquals(5.0, x.value("vllm:num_requests_running"));
      assertEquals(5.0, x.value(EngineVocabulary.RUNNING));
      assertEquals(7.0, x.value(EngineVocabulary.WAITING));
    }
    assertEquals(1, warnings.size(), "the failed scrape is told once: " + warnings);
    assertTrue(warnings.get(0).contains("answered HTTP 500"), warnings.get(0));
  }
}
