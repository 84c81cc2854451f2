package dev.capkit.loadgen;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes the target's Prometheus {@code /metrics} every interval on its own daemon thread and
 * appends one {@link ServerSample} per scrape to the run folder's {@code server-metrics.jsonl}
 * ({@link ServerSamplesReader} specifies it). Every numeric series is kept under its own name
 * (label sets summed per bare name; histogram buckets and {@code _created} timestamps left out),
 * and the series capkit understands are added under its vocabulary ({@link EngineVocabulary}: queue,
 * running batch, KV cache, token counters of vLLM, SGLang, llama.cpp's server and TGI, plus
 * {@code process_*} CPU and memory). A failed scrape is recorded as a sample with the error, never
 * retried in a loop and never allowed to disturb the load.
 *
 * <p>Said once, loudly (to the {@code warnings} consumer, e.g. the run's console): the first failed
 * scrape (with the server's answer: llama.cpp's server answers 501 without {@code --metrics}), a
 * scrape with no series capkit understands, and an engine that exports no process metrics (then
 * containers cannot be sized from this run).
 *
 * <p>The scrape goes through the load client's TLS trust, proxy and headers
 * ({@link ChatClient#control(HttpMethod, URI, byte[])}), on its own connection.
 *
 * <pre>{@code
 * try (ServerSamplesWriter out = ServerSamplesWriter.create(runFolder, target + "/metrics", 5);
 *      PrometheusScraper scraper = PrometheusScraper.start(client, URI.create(target + "/metrics"),
 *          Duration.ofSeconds(5), out, System.out::println)) {
 *   ... run the load ...
 * }
 * }</pre>
 */
public final class PrometheusScraper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusScraper.class);

  private final URI uri;
  private final Duration timeout;
  private final ServerSamplesWriter sink;
  private final ChatClient client;
  private final Consumer<String> warnings;
  private final LongSupplier clockMillis;
  private final ScheduledExecutorService thread;
  private boolean toldFailure;
  private boolean toldContent;

  private PrometheusScraper(ChatClient client, URI uri, Duration interval, ServerSamplesWriter sink, Consumer<String> warnings,
      LongSupplier clockMillis) {
    this.uri = uri;
    // Runs never overlap (a slow scrape delays the next one), so the timeout only bounds how long a
    // dead server can hold the thread: the interval, within [1 s, 5 s].
    this.timeout = Duration.ofMillis(Math.max(1_000, Math.min(5_000, interval.toMillis())));
    this.sink = sink;
    this.client = client;
    this.warnings = warnings;
    this.clockMillis = clockMillis;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "capkit-metrics-scrape");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts scraping {@code metricsUri} with {@code client}'s TLS, proxy and headers, now and then
   * every {@code interval}; {@code warnings} gets the once-only messages (also logged).
   */
  public static PrometheusScraper start(ChatClient client, URI metricsUri, Duration interval, ServerSamplesWriter sink,
      Consumer<String> warnings) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("scrape interval must be positive, got " + interval);
    }
    PrometheusScraper s = new PrometheusScraper(client, metricsUri, interval, sink, warnings, System::currentTimeMillis);
    s.thread.scheduleAtFixedRate(s::scrapeOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return s;
  }

  /** One scrape, recorded as a sample (with the error when it failed). Runs on the scraper's thread. */
  void scrapeOnce() {
    long now = clockMillis.getAsLong();
    ServerSample sample;
    try {
      ControlAnswer r = client.control(HttpMethod.GET, uri, null).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      if (!r.answered()) {
        sample = new ServerSample(now, Map.of(), r.problem());
      } else if (r.status() != 200) {
        sample = new ServerSample(now, Map.of(), "HTTP " + r.status() + " from " + uri);
        if (!toldFailure) {
          tell("WARNING: " + uri + " answered HTTP " + r.status() + " " + r.reason() + ": " + snippet(r.body())
              + " (llama.cpp's server exports /metrics only with --metrics); server samples will be missing");
          toldFailure = true;
        }
      } else {
        Map<String, Double> values = EngineVocabulary.translate(parse(r.body()));
        sample = new ServerSample(now, values, null);
        judgeContent(values);
      }
    } catch (TimeoutException | ExecutionException e) {
      sample = new ServerSample(now, Map.of(), "no answer from " + uri + " within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!sample.ok() && !toldFailure && sample.error() != null && !sample.error().startsWith("HTTP ")) {
      tell("WARNING: scraping " + uri + " failed: " + sample.error() + "; failed scrapes are recorded as gaps");
      toldFailure = true;
    }
    try {
      sink.append(sample);
    } catch (IOException e) {
      LOG.warn("server sample not written: {}", e.toString());
    }
  }

  private void judgeContent(Map<String, Double> values) {
    if (toldContent) {
      return;
    }
    toldContent = true;
    List<String> understood = EngineVocabulary.understood(values);
    ServingEngine engine = EngineVocabulary.engineOf(values.keySet());
    if (understood.isEmpty()) {
      tell("WARNING: " + uri + " has " + values.size() + " series but none capkit understands (it reads vLLM, SGLang, "
          + "llama.cpp server and TGI names and process_*); they are kept raw in " + ServerSamplesReader.FILE_NAME
          + ", but queue, KV-cache, CPU and memory of the server will be missing from the plan");
    } else if (!understood.contains(EngineVocabulary.CPU_SECONDS) && !understood.contains(EngineVocabulary.RESIDENT_BYTES)) {
      tell("WARNING: " + (engine == ServingEngine.UNKNOWN ? "the target" : engine.displayName())
          + " exports no process metrics at " + uri + " (no process_cpu_seconds_total, process_resident_memory_bytes): "
          + "container CPU and memory cannot be sized from this run; queue and token series are recorded ("
          + String.join(", ", understood) + ")");
    }
  }

  private void tell(String message) {
    LOG.warn(message);
    warnings.accept(message);
  }

  private static String snippet(String body) {
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
  }

  /**
   * Parses Prometheus text exposition format: every numeric series, label sets summed per bare name,
   * histogram buckets ({@code _bucket}) and creation timestamps ({@code _created}) left out, NaN dropped.
   */
  public static Map<String, Double> parse(String text) {
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
      if (name.endsWith("_bucket") || name.endsWith("_created")) {
        continue;
      }
      int valueStart = brace >= 0 && brace == nameEnd ? line.indexOf('}', brace) + 1 : nameEnd;
      if (valueStart <= 0) {
        continue;
      }
      String[] fields = line.substring(valueStart).trim().split("\\s+");
      double value;
      try {
        value = switch (fields[0]) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(fields[0]);
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
