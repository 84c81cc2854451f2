package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian package {@code prometheus}) for a test: started on a free
 * loopback port with a generated config that scrapes the given loopback targets every second and a
 * storage folder inside the test's temp folder, queried through its HTTP API, stopped by
 * {@link #close}. Without the binary the calling test is skipped, unless
 * {@code -Dci.requirePrometheus=true} makes that a failure.
 */
final class LocalPrometheus implements AutoCloseable {
  static final String REQUIRE_PROPERTY = "ci.requirePrometheus";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One series of an instant query's answer. */
  record Sample(Map<String, String> labels, double value) {}

  private final Process process;
  private final URI base;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalPrometheus(Process process, URI base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  static Path requireBinary() {
    return requireBinary("prometheus");
  }

  /** {@code prometheus} or {@code promtool} from the PATH, or the calling test skipped (failed when required). */
  static Path requireBinary(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
      fail(name + " required (-D" + REQUIRE_PROPERTY + "=true) but not on the PATH (apt-get install prometheus)");
    }
    assumeTrue(false, name + " not on the PATH (apt-get install prometheus): skipped");
    return null;
  }

  /**
   * Starts Prometheus scraping {@code targets} (host:port on loopback; may be empty) every second as
   * job {@code capkit}, with its storage in {@code dir/data} (backfilled blocks placed there first are served).
   */
  static LocalPrometheus start(Path dir, List<String> targets) throws IOException, InterruptedException {
    Path binary = requireBinary();
    int port = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
        + "scrape_configs:\n  - job_name: \"capkit\"\n    static_configs:\n      - targets: ["
        + String.join(", ", targets.stream().map(t -> "\"" + t + "\"").toList()) + "]\n");
    Path log = dir.resolve("prometheus.log");
    Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LocalPrometheus prometheus = new LocalPrometheus(p, URI.create("http://127.0.0.1:" + port), log);
    prometheus.awaitReady(Duration.ofSeconds(30));
    return prometheus;
  }

  private void awaitReady(Duration max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    close();
    fail("prometheus not ready within " + max + ":\n" + Files.readString(log));
  }

  /** An instant PromQL query (now) through {@code /api/v1/query}: its vector, or a failure with Prometheus' error. */
  List<Sample> query(String promql) throws IOException, InterruptedException {
    return query(promql, null);
  }

  /** An instant PromQL query evaluated at {@code at} (null: now). */
  List<Sample> query(String promql, java.time.Instant at) throws IOException, InterruptedException {
    URI uri = base.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + (at == null ? "" : "&time=" + at.getEpochSecond()));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      fail("query " + promql + " failed: HTTP " + r.statusCode() + " " + r.body());
    }
    List<Sample> out = new ArrayList<>();
    for (JsonNode s : body.path("data").path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      s.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      out.add(new Sample(labels, Double.parseDouble(s.path("value").get(1).asText())));
    }
    return out;
  }

  /** The one value of a query answering one series (fails otherwise). */
  double single(String promql) throws IOException, InterruptedException {
    List<Sample> v = query(promql);
    if (v.size() != 1) {
      fail("query " + promql + " answered " + v.size() + " series, expected 1: " + v);
    }
    return v.get(0).value();
  }

  URI base() {
    return base;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
