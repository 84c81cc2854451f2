package dev.capkit.loadgen.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.StepPlan;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The exposition on a virtual clock: known records give known counters, cumulative buckets, rates
 * and in-flight counts; the text passes {@code promtool check metrics} when promtool is installed
 * (the Prometheus tests that require it run in simulations); the endpoint serves it over loopback.
 */
class LiveMetricsTest {
  private static final long SECOND = 1_000_000_000L;
  private static final List<StepPlan> STEPS = List.of(
      new StepPlan(0, "s00-qps2-none", 2, "qps", "none", Duration.ZERO, Duration.ofSeconds(10)),
      new StepPlan(1, "s01-qps4-none", 4, "qps", "none", Duration.ofSeconds(10), Duration.ofSeconds(10)));

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final LiveMetrics live = new LiveMetrics(STEPS, () -> 1_000 * SECOND, now::get, 1_700_000_000_000L - 1_000_000L);

  private static RequestRecord ok(String kind, long ttftMillis, long e2eMillis, int tokens, long... itlMillis) {
    long[] itl = java.util.Arrays.stream(itlMillis).map(m -> m * 1_000_000).toArray();
    return new RequestRecord("r", "", kind, 0, 2_000_000, ttftMillis * 1_000_000, e2eMillis * 1_000_000, itl, 10, tokens,
        Outcome.OK, 200, "");
  }

  @Test
  void countersHistogramsRatesAndInFlight() {
    for (int i = 0; i < 5; i++) {
      live.planned(0);
      live.sent(0);
    }
    live.ended(0, ok("chat", 40, 440, 5, 100, 100, 100, 100));
    live.ended(0, ok("chat", 300, 1300, 11, 100));
    live.ended(0, new RequestRecord("x", "", "chat", 0, 0, -1, 50_000_000, null, -1, -1, Outcome.HTTP_ERROR, 503, "busy"));
    now.addAndGet(4 * SECOND);
    String text = live.exposition();
    assertTrue(text.contains("capkit_requests_total{step=\"s00-qps2-none\",kind=\"chat\",outcome=\"ok\"} 2\n"), text);
    assertTrue(text.contains("capkit_requests_total{step=\"s00-qps2-none\",kind=\"chat\",outcome=\"http_error\"} 1\n"), text);
    assertTrue(text.contains("capkit_requests_in_flight{step=\"s00-qps2-none\"} 2\n"), text);
    assertTrue(text.contains("capkit_requests_in_flight{step=\"s01-qps4-none\"} 0\n"), text);
    // TTFT 40 ms and 300 ms: bucket 0.04 holds one, 0.25 still one, 0.5 both
    assertTrue(text.contains("capkit_ttft_seconds_bucket{step=\"s00-qps2-none\",kind=\"chat\",le=\"0.04\"} 1\n"), text);
    assertTrue(text.contains("capkit_ttft_seconds_bucket{step=\"s00-qps2-none\",kind=\"chat\",le=\"0.25\"} 1\n"), text);
    assertTrue(text.contains("capkit_ttft_seconds_bucket{step=\"s00-qps2-none\",kind=\"chat\",le=\"0.5\"} 2\n"), text);
    assertTrue(text.contains("capkit_ttft_seconds_bucket{step=\"s00-qps2-none\",kind=\"chat\",le=\"+Inf\"} 2\n"), text);
    assertTrue(text.contains("capkit_ttft_seconds_sum{step=\"s00-qps2-none\",kind=\"chat\"} 0.3399999"), text);
    assertTrue(text.contains("capkit_schedule_lag_seconds_bucket{step=\"s00-qps2-none\",kind=\"chat\",le=\"0.0001\"} 1\n"), text);
    // TPOT (440 - 40) / 4 = 100 ms and (1300 - 300) / 10 = 100 ms; ITL: 5 gaps of 100 ms
    assertTrue(text.contains("capkit_tpot_seconds_bucket{step=\"s00-qps2-none\",kind=\"chat\",le=\"0.1\"} 2\n"), text);
    assertTrue(text.contains("capkit_itl_seconds_count{step=\"s00-qps2-none\",kind=\"chat\"} 5\n"), text);
    assertTrue(text.contains("capkit_e2e_seconds_count{step=\"s00-qps2-none\",kind=\"chat\"} 2\n"), text);
    assertTrue(text.contains("capkit_schedule_lag_seconds_count{step=\"s00-qps2-none\",kind=\"chat\"} 3\n"), text);
    // 2 successes in the 4 s of the window passed so far; step 1 has not opened
    assertTrue(text.contains("capkit_step_achieved_rate{step=\"s00-qps2-none\"} 0.5\n"), text);
    assertFalse(text.contains("capkit_step_achieved_rate{step=\"s01-qps4-none\"}"), text);
    assertTrue(text.contains("capkit_step_offered_rate{step=\"s01-qps4-none\"} 4\n"), text);
    assertTrue(text.contains("capkit_step_start_time_seconds{step=\"s00-qps2-none\"} 1700000000\n"), text);
    now.addAndGet(20 * SECOND);
    assertTrue(live.exposition().contains("capkit_step_achieved_rate{step=\"s00-qps2-none\"} 0.2\n"), "after the window: ok / duration");
  }

  @Test
  void labelValuesAreEscaped() {
    live.ended(0, ok("odd \"kind\"\\x", 10, 20, 1));
    assertTrue(live.exposition().contains("kind=\"odd \\\"kind\\\"\\\\x\""));
  }

  @Test
  void expositionPassesPromtoolCheckMetrics() throws Exception {
    Path promtool = onPath("promtool");
    assumeTrue(promtool != null, "promtool not on the PATH: lint skipped");
    live.planned(0);
    live.sent(0);
    live.ended(0, ok("chat", 40, 440, 5, 100, 100, 100, 100));
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(live.exposition().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
  }

  @Test
  void endpointServesTheTextOnLoopbackAndClosesAfterTheNextScrape() throws Exception {
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(0, live::exposition)) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals(PrometheusText.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElse(""));
      assertTrue(r.body().contains("# TYPE capkit_requests_total counter"), r.body());
      // the server counts a scrape once its body is written, which can be just after the client has read it
      long until = System.nanoTime() + 2_000_000_000L;
      while (endpoint.scrapes() < 1 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertEquals(1, endpoint.scrapes());
      long started = System.nanoTime();
      assertFalse(endpoint.closeAfterNextScrape(Duration.ofMillis(300)), "nobody scraped again");
      assertTrue(System.nanoTime() - started >= 300_000_000L, "waited the bound");
    }
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }
}
