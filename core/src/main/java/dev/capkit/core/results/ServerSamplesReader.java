package dev.capkit.core.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a run folder's server samples. This javadoc is the specification of <b>server samples
 * format v1</b>, an optional addition to results format v1 (see {@link RunReader}).
 *
 * <h2>File</h2>
 * {@code <run folder>/server-metrics.jsonl}, UTF-8, one JSON object per line:
 * <ol>
 *   <li>header: {@code {"capkitServerSamples": 1, "source": "<metrics URL>", "intervalSeconds": 5.0,
 *       "series": [...]}}: the version, where the samples were scraped, the intended interval, and the
 *       series the scraper keeps ({@link #SERIES});
 *   <li>one line per scrape: {@code {"t": <epoch millis>, "v": {"<series>": <number>, ...}}} with
 *       series as Prometheus names them ({@code name} or {@code name{label="x"}}), counters as
 *       cumulative values ({@code process_cpu_seconds_total}: CPU rate is the difference of two samples
 *       over their time difference), gauges as read; a failed scrape is
 *       {@code {"t": ..., "error": "<reason>", "v": {}}}.
 * </ol>
 * Lines are appended and flushed as they are scraped; a killed writer can leave half a last line,
 * which readers ignore. Readers ignore fields they do not know. A run without the file simply has no
 * server samples.
 *
 * <pre>{@code
 * Optional<ServerSamplesReader.Samples> s = ServerSamplesReader.read(runFolder);
 * }</pre>
 */
public final class ServerSamplesReader {
  public static final String FILE_NAME = "server-metrics.jsonl";
  public static final String VERSION_FIELD = "capkitServerSamples";
  public static final int FORMAT_VERSION = 1;
  /** Series the scraper keeps: host CPU and memory of the serving process, vLLM's queue and KV gauges. */
  public static final String[] SERIES = {
      "process_cpu_seconds_total", "process_resident_memory_bytes",
      "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"};

  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerSamplesReader() {}

  /** The file's content. */
  public record Samples(Path file, String source, double intervalSeconds, List<ServerSample> samples) {
    public Samples {
      samples = List.copyOf(samples);
    }
  }

  /** Empty when the run folder has no {@code server-metrics.jsonl}; errors name the file, line and problem. */
  public static Optional<Samples> read(Path runFolder) throws IOException {
    Path file = RunLayout.of(runFolder).serverSamples();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(file + ": empty (expected a header line with '" + VERSION_FIELD + "')");
    }
    JsonNode header = parse(file, 1, lines.get(0));
    JsonNode version = header == null ? null : header.get(VERSION_FIELD);
    if (version == null || !version.canConvertToInt()) {
      throw new IOException(file + ": line 1: field '" + VERSION_FIELD + "' missing: not a capkit server samples file");
    }
    if (version.asInt() != FORMAT_VERSION) {
      throw new IOException(file + ": line 1: field '" + VERSION_FIELD + "' is " + version.asInt() + "; this capkit reads version "
          + FORMAT_VERSION);
    }
    List<ServerSample> samples = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String text = lines.get(i);
      if (text.isBlank()) {
        continue;
      }
      JsonNode line = parse(file, i + 1, text);
      if (line == null) {
        if (i == lines.size() - 1) {
          break; // half a last line from a killed writer
        }
        throw new IOException(file + ": line " + (i + 1) + ": not valid JSON");
      }
      JsonNode t = line.get("t");
      if (t == null || !t.canConvertToLong()) {
        throw new IOException(file + ": line " + (i + 1) + ": field 't' missing or not epoch milliseconds");
      }
      Map<String, Double> values = new LinkedHashMap<>();
      JsonNode v = line.get("v");
      if (v != null) {
        v.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asDouble()));
      }
      JsonNode error = line.get("error");
      samples.add(new ServerSample(t.asLong(), values, error == null ? null : error.asText()));
    }
    return Optional.of(new Samples(file, header.path("source").asText(null), header.path("intervalSeconds").asDouble(Double.NaN),
        samples));
  }

  private static JsonNode parse(Path file, int lineNo, String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }
}
