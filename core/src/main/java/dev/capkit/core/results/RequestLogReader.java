package dev.capkit.core.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code <run folder>/requests.jsonl}, the per-request log (format v1), written only when a run
 * asks for it ({@code -Dcapkit.requestLog=true}) by {@link RequestLogWriter}. UTF-8, one JSON object
 * per line:
 * <ol>
 *   <li>header: {@code {"capkitRequests": 1, "run": "<run id>"}};
 *   <li>one line per request, in the order requests ended:
 *       <pre>{@code
 * {"step": "s00-qps2-none", "id": "<X-Request-Id>", "trace": "<W3C trace id>", "kind": "chat",
 *  "intendedMicros": 1767225600000000, "sentMicros": 1767225600000400, "lagNanos": 400000,
 *  "ttftNanos": 41000000, "e2eNanos": 440000000, "tpotNanos": 99750000, "itlNanos": [100000000, ...],
 *  "promptTokens": 120, "completionTokens": 5, "outcome": "ok", "httpStatus": 200, "error": ""}
 *       }</pre>
 *       {@code intendedMicros} / {@code sentMicros}: intended and actual send time, microseconds since
 *       the epoch ({@code intendedMicros = sentMicros - lagNanos / 1000}; closed loop has no schedule:
 *       lag 0, intended = sent); a {@code not_sent} request has {@code sentMicros} and
 *       {@code lagNanos} {@code null} and {@code intendedMicros} {@code null} (it was never sent; its
 *       step is in {@code step}). Durations are nanoseconds, {@code -1} when undefined (no first token,
 *       fewer than 2 tokens); token counts {@code -1} when the server sent no usage;
 *       {@code outcome} is {@link Outcome#key()}. Optional (added to v1, present only when known):
 *       {@code ttfaNanos}, time to the first answer token of a stream that carried reasoning text
 *       first (TTFT is the first token of any kind), and {@code reasoningTokens}
 *       ({@code usage.completion_tokens_details.reasoning_tokens}).
 * </ol>
 * A killed writer can leave half a last line, which the reader ignores; any other bad line is an
 * error naming the file, the line and the field. Readers ignore fields they do not know.
 *
 * <pre>{@code
 * Optional<List<RequestLogReader.Entry>> log = RequestLogReader.read(runFolder);
 * }</pre>
 */
public final class RequestLogReader {
  public static final String FILE_NAME = "requests.jsonl";
  public static final String VERSION_FIELD = "capkitRequests";
  public static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One line: the request's step id and its record (intended send time = sent - lag). */
  public record Entry(String step, RequestRecord record) {}

  private RequestLogReader() {}

  /** Empty when the run folder has no {@code requests.jsonl}. */
  public static Optional<List<Entry>> read(Path runFolder) throws IOException {
    Path file = runFolder.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(file + ": empty, expected the header line {\"" + VERSION_FIELD + "\": 1, ...}");
    }
    JsonNode header = parse(file, 1, lines.get(0), false);
    if (header == null || header.path(VERSION_FIELD).asInt(-1) != FORMAT_VERSION) {
      throw new IOException(file + ": line 1: field '" + VERSION_FIELD + "': expected " + FORMAT_VERSION + ", found "
          + (header == null ? "nothing" : header.path(VERSION_FIELD)));
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      JsonNode n = parse(file, i + 1, lines.get(i), i == lines.size() - 1);
      if (n != null) {
        out.add(new Entry(text(file, i + 1, n, "step"), record(file, i + 1, n)));
      }
    }
    return Optional.of(out);
  }

  private static RequestRecord record(Path file, int line, JsonNode n) throws IOException {
    String outcomeKey = text(file, line, n, "outcome");
    Outcome outcome;
    try {
      outcome = Outcome.valueOf(outcomeKey.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": line " + line + ": field 'outcome': unknown outcome '" + outcomeKey + "'");
    }
    boolean sent = !n.path("sentMicros").isNull() && !n.path("sentMicros").isMissingNode();
    long sentMicros = sent ? number(file, line, n, "sentMicros") : -1;
    long lag = sent ? number(file, line, n, "lagNanos") : -1;
    JsonNode itl = n.path("itlNanos");
    long[] gaps = new long[itl.size()];
    for (int i = 0; i < gaps.length; i++) {
      gaps[i] = itl.get(i).asLong();
    }
    return new RequestRecord(text(file, line, n, "id"), n.path("trace").asText(""), text(file, line, n, "kind"), sentMicros, lag,
        number(file, line, n, "ttftNanos"), number(file, line, n, "e2eNanos"), gaps, (int) number(file, line, n, "promptTokens"),
        (int) number(file, line, n, "completionTokens"), outcome, (int) number(file, line, n, "httpStatus"), n.path("error").asText(""),
        n.has("ttfaNanos") ? number(file, line, n, "ttfaNanos") : -1,
        n.has("reasoningTokens") ? (int) number(file, line, n, "reasoningTokens") : -1);
  }

  private static JsonNode parse(Path file, int line, String text, boolean last) throws IOException {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      if (last) {
        return null; // a half-written last line of a killed writer
      }
      throw new IOException(file + ": line " + line + ": not JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(Path file, int line, JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException(file + ": line " + line + ": field '" + field + "': expected a string, found " + (v == null ? "nothing" : v));
    }
    return v.asText();
  }

  private static long number(Path file, int line, JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber()) {
      throw new IOException(file + ": line " + line + ": field '" + field + "': expected a whole number, found " + (v == null ? "nothing" : v));
    }
    return v.asLong();
  }
}
