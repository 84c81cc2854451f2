package dev.capkit.loadgen;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes the target's Prometheus {@code /metrics} every interval on its own daemon thread and
 * appends one {@link ServerSample} per scrape to the run folder's {@code server-metrics.jsonl}
 * ({@link ServerSamplesReader} specifies it). It keeps the series the planner sizes containers from:
 * {@code process_cpu_seconds_total}, {@code process_resident_memory_bytes} and vLLM's
 * {@code vllm:num_requests_running}, {@code vllm:num_requests_waiting}, {@code vllm:kv_cache_usage_perc}
 * (and the older {@code vllm:gpu_cache_usage_perc}). A series reported with several label sets
 * (one per engine or model) is summed under its bare name. A failed scrape is recorded as a sample
 * with the error, never retried in a loop and never allowed to disturb the load.
 *
 * <pre>{@code
 * try (ServerSamplesWriter out = ServerSamplesWriter.create(runFolder, target + "/metrics", 5);
 *      PrometheusScraper scraper = PrometheusScraper.start(URI.create(target + "/metrics"), Duration.ofSeconds(5), out)) {
 *   ... run the load ...
 * }
 * }</pre>
 */
public final class PrometheusScraper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusScraper.class);
  /** Series kept, as named in the file's header. */
  public static final Set<String> KEPT = Set.of(ServerSamplesReader.SERIES);

  private final URI uri;
  private final Duration timeout;
  private final ServerSamplesWriter sink;
  private final HttpClient http;
  private final LongSupplier clockMillis;
  private final ScheduledExecutorService thread;

  private PrometheusScraper(URI uri, Duration interval, ServerSamplesWriter sink, LongSupplier clockMillis) {
    this.uri = uri;
    // Runs never overlap (a slow scrape delays the next one), so the timeout only bounds how long a
    // dead server can hold the thread: the interval, within [1 s, 5 s].
    this.timeout = Duration.ofMillis(Math.max(1_000, Math.min(5_000, interval.toMillis())));
    this.sink = sink;
    this.clockMillis = clockMillis;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "capkit-metrics-scrape");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts scraping now and then every {@code interval}. */
  public static PrometheusScraper start(URI metricsUri, Duration interval, ServerSamplesWriter sink) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("scrape interval must be positive, got " + interval);
    }
    PrometheusScraper s = new PrometheusScraper(metricsUri, interval, sink, System::currentTimeMillis);
    s.thread.scheduleAtFixedRate(s::scrapeOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return s;
  }

  /** One scrape, recorded as a sample (with the error when it failed). Runs on the scraper's thread. */
  void scrapeOnce() {
    long now = clockMillis.getAsLong();
    ServerSample sample;
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      sample = r.statusCode() == 200
          ? new ServerSample(now, parse(r.body(), KEPT), null)
          : new ServerSample(now, Map.of(), "HTTP " + r.statusCode() + " from " + uri);
    } catch (IOException e) {
      sample = new ServerSample(now, Map.of(), e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      sink.append(sample);
    } catch (IOException e) {
      LOG.warn("server sample not written: {}", e.toString());
    }
  }

  /**
   * Parses Prometheus text exposition format and returns the kept series' values, label sets summed
   * per bare name. Comment lines, other series and non-numeric values are skipped; NaN is dropped.
   */
  public static Map<String, Double> parse(String text, Set<String> keep) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      int nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
      if (nameEnd <= 0) {
        continue;
      }
      String name = line.substring(0, nameEnd);
      if (!keep.contains(name)) {
        continue;
      }
      int valueStart = brace >= 0 && brace == nameEnd ? line.indexOf('}', brace) + 1 : nameEnd;
      if (valueStart <= 0) {
        continue;
      }
      List<String> fields = List.of(line.substring(valueStart).trim().split("\\s+"));
      if (fields.isEmpty()) {
        continue;
      }
      double value;
      try {
        value = switch (fields.get(0)) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(fields.get(0));
        };
      } catch (NumberFormatException e) {
        continue;
      }
      if (!Double.isNaN(value)) {
        out.merge(name, value, Double::sum);
      }
    }
    return out;
  }

  @Override
  public void close() {
    // Let a scrape in flight finish (bounded by its timeout) so the last sample is not lost.
    thread.shutdown();
    try {
      if (!thread.awaitTermination(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
