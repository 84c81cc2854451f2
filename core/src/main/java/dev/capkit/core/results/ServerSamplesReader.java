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
 *       "series": [...]}}: the version, where the samples were scraped, the intended interval, and
 *       capkit's vocabulary ({@link #SERIES}, {@link ServerSeries}; files written before it list
 *       {@code process_*} and four {@code vllm:} gauges instead);
 *   <li>one line per scrape: {@code {"t": <epoch millis>, "v": {"<series>": <number>, ...}}} with
 *       capkit's vocabulary series where the engine's series map onto them, and every numeric series
 *       the engine exported under its own name (label sets summed; histogram buckets and
 *       {@code _created} timestamps left out), counters as
 *       cumulative values ({@code process_cpu_seconds_total}: CPU rate is the difference of two samples
 *       over their time difference), gauges as read; a failed scrape is
 *       {@code {"t": ..., "error": "<reason>", "v": {}}}.
 * </ol>
 * Lines are appended whole and flushed as they are scraped. Readers ignore fields they do not know.
 * A run without the file simply has no server samples.
 *
 * <h2>Torn end versus corruption</h2>
 * A scraper killed mid-write can leave half a last line: the file then does not end with a newline
 * and its last line is not JSON. That alone is ignored, and only while the run may still be written
 * (its run.json is absent or says {@code running}); once run.json says {@code complete} or
 * {@code failed} the scraper had stopped, so a bad or unterminated last line is a truncated file.
 * Anywhere else a line that is not JSON, a blank line, a missing or non-integer {@code t}, or a
 * {@code v} that is not an object of numbers is corruption: {@link CorruptFileException} naming the
 * file, the line and why.
 *
 * <pre>{@code
 * Optional<ServerSamplesReader.Samples> s = ServerSamplesReader.read(runFolder);
 * }</pre>
 */
public final class ServerSamplesReader {
  public static final String FILE_NAME = "server-metrics.jsonl";
  public static final String VERSION_FIELD = "capkitServerSamples";
  public static final int FORMAT_VERSION = 1;
  /**
   * Series listed in the header: capkit's vocabulary ({@link ServerSeries}) and the GPU series of
   * NVIDIA's dcgm-exporter; samples also keep every series the engine exports, raw.
   */
  public static final String[] SERIES = java.util.stream.Stream.concat(ServerSeries.ALL.stream(), java.util.stream.Stream.of(
      "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "DCGM_FI_DEV_FB_USED"))
      .toArray(String[]::new);

  private static final ObjectMapper JSON = new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

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
    byte[] bytes = Files.readAllBytes(file);
    String content = new String(bytes, StandardCharsets.UTF_8);
    boolean endsWithNewline = content.endsWith("\n");
    List<String> lines = content.lines().toList();
    if (lines.isEmpty()) {
      throw new CorruptFileException(file, 0, "empty (expected a header line with '" + VERSION_FIELD + "')");
    }
    JsonNode header = parse(lines.get(0));
    JsonNode version = header == null ? null : header.get(VERSION_FIELD);
    if (version == null || !version.canConvertToInt()) {
      throw new CorruptFileException(file, 1, "field '" + VERSION_FIELD + "' missing: not a capkit server samples file");
    }
    if (version.asInt() != FORMAT_VERSION) {
      throw new IOException(file + ": line 1: field '" + VERSION_FIELD + "' is " + version.asInt() + "; this capkit reads version "
          + FORMAT_VERSION);
    }
    boolean mayBeTorn = mayStillBeWritten(runFolder);
    List<ServerSample> samples = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      boolean last = i == lines.size() - 1;
      try {
        samples.add(sample(file, i + 1, lines.get(i)));
      } catch (CorruptFileException e) {
        if (last && !endsWithNewline && mayBeTorn) {
          break; // half a last line from a scraper killed mid-write
        }
        throw e;
      }
      if (last && !endsWithNewline && !mayBeTorn) {
        throw new CorruptFileException(file, i + 1, "file ends without a newline: truncated (run.json says the run ended)");
      }
    }
    return Optional.of(new Samples(file, header.path("source").asText(null), header.path("intervalSeconds").asDouble(Double.NaN),
        samples));
  }

  private static ServerSample sample(Path file, int lineNo, String text) throws CorruptFileException {
    if (text.isBlank()) {
      throw new CorruptFileException(file, lineNo, "blank line (the writer never writes one)");
    }
    JsonNode line = parse(text);
    if (line == null || !line.isObject()) {
      throw new CorruptFileException(file, lineNo, "not a JSON object");
    }
    JsonNode t = line.get("t");
    if (t == null || !t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0) {
      throw new CorruptFileException(file, lineNo, "field 't' missing or not epoch milliseconds");
    }
    Map<String, Double> values = new LinkedHashMap<>();
    JsonNode v = line.get("v");
    if (v != null && !v.isObject()) {
      throw new CorruptFileException(file, lineNo, "field 'v' is not an object");
    }
    if (v != null) {
      var fields = v.fields();
      while (fields.hasNext()) {
        var e = fields.next();
        if (!e.getValue().isNumber()) {
          throw new CorruptFileException(file, lineNo, "field 'v." + e.getKey() + "' is not a number");
        }
        values.put(e.getKey(), e.getValue().asDouble());
      }
    }
    JsonNode error = line.get("error");
    return new ServerSample(t.asLong(), values, error == null ? null : error.asText());
  }

  /** Whether the scraper may still be appending: run.json absent, or its status not yet final. */
  private static boolean mayStillBeWritten(Path runFolder) {
    Path runJson = runFolder.resolve("run.json");
    if (!Files.exists(runJson)) {
      return true;
    }
    try {
      String status = JSON.readTree(Files.readAllBytes(runJson)).path("status").asText("");
      return RunManifest.RUNNING.equals(status);
    } catch (IOException e) {
      return false; // RunReader reports an unreadable run.json; here the samples are judged strictly
    }
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }
}
