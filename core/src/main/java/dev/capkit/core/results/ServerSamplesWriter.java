package dev.capkit.core.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends {@link ServerSample}s to a run folder's {@code server-metrics.jsonl} (format specified in
 * {@link ServerSamplesReader}), one flushed line per sample, so a killed run keeps what was scraped.
 * Thread-safe.
 *
 * <pre>{@code
 * try (ServerSamplesWriter w = ServerSamplesWriter.create(runFolder, "http://10.0.0.5:8000/metrics", 5.0)) {
 *   w.append(sample);
 * }
 * }</pre>
 */
public final class ServerSamplesWriter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BufferedWriter out;

  private ServerSamplesWriter(BufferedWriter out) {
    this.out = out;
  }

  /** Creates {@code runFolder/server-metrics.jsonl} (refusing to overwrite one) and writes its header line. */
  public static ServerSamplesWriter create(Path runFolder, String source, double intervalSeconds) throws IOException {
    Path file = RunLayout.of(runFolder).serverSamples();
    BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    ObjectNode header = JSON.createObjectNode();
    header.put(ServerSamplesReader.VERSION_FIELD, ServerSamplesReader.FORMAT_VERSION);
    header.put("source", source);
    header.put("intervalSeconds", intervalSeconds);
    var series = header.putArray("series");
    List.of(ServerSamplesReader.SERIES).forEach(series::add);
    out.write(JSON.writeValueAsString(header));
    out.newLine();
    out.flush();
    return new ServerSamplesWriter(out);
  }

  public synchronized void append(ServerSample s) throws IOException {
    ObjectNode line = JSON.createObjectNode();
    line.put("t", s.epochMillis());
    if (s.error() != null) {
      line.put("error", s.error());
    }
    ObjectNode v = line.putObject("v");
    s.values().forEach((k, value) -> {
      if (Double.isFinite(value)) {
        v.put(k, value);
      }
    });
    out.write(JSON.writeValueAsString(line));
    out.newLine();
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
