package dev.capkit.core.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.results.ServerSample;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a serving container's CPU and memory samples over a window from a Prometheus server's HTTP
 * API, as {@link ServerSample}s: for each series the range-vector query
 * {@code <name><selector>[<window>s]} evaluated once at the window's end through
 * {@code /api/v1/query}. A range vector returns the raw samples with their own timestamps (no
 * resampling onto a step, no 5-minute lookback repeating the last value), so sizing from the history
 * is sizing from exactly the samples Prometheus stored: the same samples capkit would have scraped
 * itself at the same instants give the same figures.
 *
 * <p>The selector must pick one series per name (one pod's container); more than one is refused,
 * naming the label sets found, so a fleet is never silently pooled or summed.
 *
 * <pre>{@code
 * ServerHistory h = PrometheusHistory.fetch(URI.create("http://prometheus:9090"), "{namespace=\"llm\",pod=\"vllm-0\"}",
 *     ResourceSeriesNames.CADVISOR, Instant.now(), Duration.ofDays(7));
 * }</pre>
 */
public final class PrometheusHistory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private PrometheusHistory() {}

  /**
   * @throws PrometheusQueryException naming the option, the query and what Prometheus (or the network) answered
   */
  public static ServerHistory fetch(URI prometheus, String selector, ResourceSeriesNames names, Instant end, Duration window) {
    return fetch(prometheus, selector, names, List.of(), end, window);
  }

  /**
   * As {@link #fetch(URI, String, ResourceSeriesNames, Instant, Duration)}, plus {@code optional}
   * series (e.g. {@code vllm:num_requests_waiting}) kept under their own names when the selector
   * matches one of each, left out when it matches none or several.
   */
  public static ServerHistory fetch(URI prometheus, String selector, ResourceSeriesNames names, List<String> optional, Instant end,
      Duration window) {
    String sel = selector == null ? "" : selector.trim();
    if (!sel.isEmpty() && !(sel.startsWith("{") && sel.endsWith("}"))) {
      throw new PrometheusQueryException("--selector: '" + selector + "' is not a label selector (e.g. {namespace=\"llm\",pod=\"vllm-0\"})");
    }
    if (window.isNegative() || window.isZero()) {
      throw new PrometheusQueryException("--since: the window must be longer than 0, got " + window);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Map<Long, Map<String, Double>> byTime = new TreeMap<>();
    List<String> queries = new ArrayList<>();
    List<String[]> wanted = new ArrayList<>(List.of(new String[] {names.cpu(), ResourceSeriesNames.CANONICAL_CPU, "required"},
        new String[] {names.memory(), ResourceSeriesNames.CANONICAL_MEMORY, "required"}));
    optional.forEach(name -> wanted.add(new String[] {name, name, "optional"}));
    for (String[] series : wanted) {
      String query = series[0] + sel + "[" + window.toSeconds() + "s]";
      List<double[]> points = samplesOf(http, prometheus, query, end, series[2].equals("optional"));
      if (!points.isEmpty()) {
        queries.add(query);
      }
      for (double[] point : points) {
        byTime.computeIfAbsent(Math.round(point[0] * 1000), t -> new HashMap<>()).put(series[1], point[1]);
      }
    }
    List<ServerSample> samples = new ArrayList<>();
    byTime.forEach((t, values) -> samples.add(new ServerSample(t, values, null)));
    String source = "Prometheus " + prometheus + ": " + String.join(" and ", queries) + " at " + end + " (window " + end.minus(window)
        + " .. " + end + ", " + names.key() + " series, " + samples.size() + " sample times)";
    return new ServerHistory(samples, source);
  }

  private static List<double[]> samplesOf(HttpClient http, URI prometheus, String query, Instant end, boolean optional) {
    URI uri = prometheus.resolve("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
        + "&time=" + end.getEpochSecond() + "." + String.format("%03d", end.getNano() / 1_000_000));
    HttpResponse<String> r;
    try {
      r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PrometheusQueryException("--prometheus: cannot query " + prometheus + " (" + query + "): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusQueryException("--prometheus: interrupted while querying " + prometheus);
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new PrometheusQueryException("--prometheus: " + prometheus + " answered HTTP " + r.statusCode() + " that is not Prometheus' JSON: "
          + abbreviate(r.body()));
    }
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new PrometheusQueryException("--prometheus: query " + query + " failed: HTTP " + r.statusCode() + " "
          + body.path("errorType").asText() + ": " + body.path("error").asText());
    }
    JsonNode result = body.path("data").path("result");
    if (result.size() != 1 && optional) {
      return List.of(); // an optional series the selector does not pin to one container is left out
    }
    if (result.size() == 0) {
      throw new PrometheusQueryException("--selector: query " + query + " matched no series at " + end);
    }
    if (result.size() > 1) {
      List<String> found = new ArrayList<>();
      result.forEach(s -> found.add(s.path("metric").toString()));
      throw new PrometheusQueryException("--selector: query " + query + " matched " + result.size()
          + " series; narrow it to one container: " + String.join(", ", found));
    }
    List<double[]> out = new ArrayList<>();
    for (JsonNode v : result.get(0).path("values")) {
      out.add(new double[] {v.get(0).asDouble(), number(v.get(1).asText())});
    }
    return out;
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
