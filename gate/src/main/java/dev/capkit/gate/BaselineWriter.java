package dev.capkit.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.HdrHistogram.Histogram;

/**
 * Writes a baseline file (format v2, specified in {@link BaselineReader}): the figures of a run the
 * gate needs, a few KB per step, fields in a fixed order so a re-saved baseline diffs cleanly.
 *
 * <pre>{@code
 * BaselineWriter.write(RunFigures.ofRun(runFolder), Path.of("baselines/smoke.json"));
 * }</pre>
 */
public final class BaselineWriter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BaselineWriter() {}

  public static void write(RunFigures figures, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(figures));
  }

  /** The file's text. */
  public static String toJson(RunFigures figures) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("capkitBaseline", BaselineReader.FORMAT_VERSION);
    root.put("runId", figures.runId());
    ObjectNode s = root.putObject("scenario");
    ScenarioIdentity id = figures.scenario();
    s.put("name", id.name());
    s.put("seed", id.seed());
    s.put("loadModel", id.loadModel());
    s.put("tier", id.tier());
    ObjectNode mix = s.putObject("mix");
    new java.util.TreeMap<>(id.mix()).forEach(mix::put);
    ObjectNode workload = root.putObject("workload");
    figures.workload().fields().forEach(workload::put);
    root.put("histogramUnit", "microseconds");
    root.put("histogramEncoding", BaselineReader.ENCODING);
    var steps = root.putArray("steps");
    for (StepFigures step : figures.steps()) {
      ObjectNode o = steps.addObject();
      o.put("id", step.id());
      o.put("offered", step.offered());
      o.put("unit", step.unit());
      o.put("network", step.network());
      o.put("durationSeconds", step.durationSeconds());
      o.put("sent", step.sent());
      o.put("ok", step.ok());
      o.put("good", step.good());
      ObjectNode kinds = o.putObject("kinds");
      for (var e : step.kinds().entrySet()) {
        ObjectNode k = kinds.putObject(e.getKey());
        k.put("sent", e.getValue().sent());
        k.put("ok", e.getValue().ok());
        ObjectNode hs = k.putObject("histograms");
        ObjectNode perSecond = JSON.createObjectNode();
        for (var m : RunFigures.METRICS) {
          Histogram h = e.getValue().histograms().get(m.key());
          if (h != null && h.getTotalCount() > 0) {
            hs.put(m.key(), encode(h));
            var seconds = e.getValue().perSecond().get(m.key());
            if (seconds != null) {
              var array = perSecond.putArray(m.key());
              for (int i = 0; i < seconds.seconds(); i++) {
                Histogram second = seconds.histogram(i);
                array.add(second.getTotalCount() == 0 ? "" : encode(second));
              }
            }
          }
        }
        if (!perSecond.isEmpty()) {
          k.set("perSecond", perSecond);
        }
        var counts = e.getValue().counts();
        if (counts != null) {
          ObjectNode c = k.putObject("perSecondCounts");
          for (var series : java.util.List.of(java.util.Map.entry("sent", counts.sent()), java.util.Map.entry("ok", counts.ok()),
              java.util.Map.entry("good", counts.good()))) {
            var array = c.putArray(series.getKey());
            for (long v : series.getValue()) {
              array.add(v);
            }
          }
        }
      }
    }
    return JSON.writeValueAsString(root) + "\n";
  }

  static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    byte[] bytes = new byte[length];
    buffer.rewind();
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
