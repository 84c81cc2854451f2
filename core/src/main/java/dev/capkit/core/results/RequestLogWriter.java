package dev.capkit.core.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes {@code <run folder>/requests.jsonl} (format in {@link RequestLogReader}) as requests end: one
 * line per request, buffered (8 KiB), flushed when the buffer fills and at {@link #close}.
 *
 * <pre>{@code
 * try (RequestLogWriter log = RequestLogWriter.create(runFolder, runId, stepIds)) {
 *   log.ended(0, record);
 * }
 * }</pre>
 */
public final class RequestLogWriter implements RequestObserver, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BufferedWriter out;
  private final List<String> stepIds;

  private RequestLogWriter(BufferedWriter out, List<String> stepIds) {
    this.out = out;
    this.stepIds = List.copyOf(stepIds);
  }

  /** Creates the file (refusing to overwrite one) and writes its header line. */
  public static RequestLogWriter create(Path runFolder, String runId, List<String> stepIds) throws IOException {
    BufferedWriter out = Files.newBufferedWriter(runFolder.resolve(RequestLogReader.FILE_NAME), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    ObjectNode header = JSON.createObjectNode();
    header.put(RequestLogReader.VERSION_FIELD, RequestLogReader.FORMAT_VERSION);
    header.put("run", runId);
    out.write(JSON.writeValueAsString(header));
    out.newLine();
    return new RequestLogWriter(out, stepIds);
  }

  @Override
  public synchronized void ended(int step, RequestRecord r) {
    try {
      out.write(JSON.writeValueAsString(line(stepIds.get(step), r)));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + RequestLogReader.FILE_NAME, e);
    }
  }

  static ObjectNode line(String step, RequestRecord r) {
    ObjectNode n = JSON.createObjectNode();
    boolean sent = r.outcome() != Outcome.NOT_SENT;
    n.put("step", step);
    n.put("id", r.requestId());
    n.put("trace", r.traceId());
    n.put("kind", r.kind());
    if (sent) {
      n.put("intendedMicros", r.startEpochMicros() - Math.max(0, r.scheduleLagNanos()) / 1000);
      n.put("sentMicros", r.startEpochMicros());
      n.put("lagNanos", r.scheduleLagNanos());
    } else {
      n.putNull("intendedMicros");
      n.putNull("sentMicros");
      n.putNull("lagNanos");
    }
    n.put("ttftNanos", r.ttftNanos());
    if (r.ttfaNanos() >= 0) {
      n.put("ttfaNanos", r.ttfaNanos()); // reasoning models only: the first answer token, kept apart from TTFT
    }
    n.put("e2eNanos", r.e2eNanos());
    n.put("tpotNanos", r.tpotNanos());
    var itl = n.putArray("itlNanos");
    for (long gap : r.itlNanos()) {
      itl.add(gap);
    }
    n.put("promptTokens", r.promptTokens());
    n.put("completionTokens", r.completionTokens());
    if (r.reasoningTokens() >= 0) {
      n.put("reasoningTokens", r.reasoningTokens());
    }
    n.put("outcome", r.outcome().key());
    n.put("httpStatus", r.httpStatus());
    n.put("error", r.error());
    return n;
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
