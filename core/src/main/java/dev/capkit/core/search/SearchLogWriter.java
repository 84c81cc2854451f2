package dev.capkit.core.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.TreeMap;

/**
 * Writes {@code search.json} (format in {@link SearchLogReader}), replacing it atomically so a
 * reader never sees half a file: the search rewrites it after every probe.
 */
public final class SearchLogWriter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SearchLogWriter() {}

  public static void write(Path file, SearchLog log) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(tree(log)));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static ObjectNode tree(SearchLog log) {
    ObjectNode root = JSON.createObjectNode();
    root.put("capkitSearch", SearchLogReader.FORMAT_VERSION);
    root.put("unit", log.unit());
    root.put("basis", log.basis());
    SearchLog.Settings s = log.settings();
    ObjectNode settings = root.putObject("settings");
    settings.put("start", s.start());
    settings.put("growth", s.growth());
    settings.put("precision", s.precision());
    settings.put("confidence", s.confidence());
    settings.put("budgetSeconds", s.budgetSeconds());
    settings.put("warmupSeconds", s.warmupSeconds());
    settings.put("scoutRequests", s.scoutRequests());
    settings.put("maxLooks", s.maxLooks());
    ObjectNode objectives = root.putObject("objectives");
    new TreeMap<>(log.objectives()).forEach(objectives::put);
    ArrayNode probes = root.putArray("probes");
    for (SearchLog.Probe p : log.probes()) {
      ObjectNode o = probes.addObject();
      o.put("index", p.index());
      o.put("stepId", p.stepId());
      o.put("phase", p.phase());
      o.put("look", p.look());
      required(o, "rate", p.rate(), p.index());
      required(o, "startSeconds", p.startSeconds(), p.index());
      required(o, "warmupSeconds", p.warmupSeconds(), p.index());
      required(o, "plannedSeconds", p.plannedSeconds(), p.index());
      required(o, "windowSeconds", p.windowSeconds(), p.index());
      o.put("requests", p.requests());
      ObjectNode v = o.putObject("violations");
      new TreeMap<>(p.violations()).forEach(v::put);
      required(o, "gpuSeconds", p.gpuSeconds(), p.index());
      o.put("stoppedEarly", p.stoppedEarly());
      o.put("verdict", p.verdict());
      ArrayNode reasons = o.putArray("reasons");
      p.reasons().forEach(reasons::add);
      number(o, "low", p.low());
      number(o, "high", p.high());
      number(o, "under", p.under());
      number(o, "over", p.over());
      if (p.tasks() == null) {
        o.putNull("tasks");
      } else {
        SearchLog.Tasks t = p.tasks();
        ObjectNode tasks = o.putObject("tasks");
        tasks.put("finished", t.finished());
        number(tasks, "windowSeconds", t.windowSeconds());
        number(tasks, "p50Seconds", t.p50Seconds());
        number(tasks, "p95Seconds", t.p95Seconds());
        number(tasks, "shareAllStepsMet", t.shareAllStepsMet());
        number(tasks, "tasksPerHour", t.tasksPerHour());
      }
    }
    if (log.agents() == null) {
      root.putNull("agents");
    } else {
      ObjectNode agents = root.putObject("agents");
      agents.put("stepsPerTask", log.agents().stepsPerTask());
      agents.put("thinkSeconds", log.agents().thinkSeconds());
      log.agents().taskObjectives().forEach(agents.putArray("taskObjectives")::add);
    }
    if (log.answer() == null) {
      root.putNull("answer");
    } else {
      SearchLog.Answer a = log.answer();
      ObjectNode o = root.putObject("answer");
      number(o, "low", a.low());
      number(o, "high", a.high());
      number(o, "precision", a.precision());
      o.put("target", a.target());
      o.put("confidence", a.confidence());
      o.put("gpuSeconds", a.gpuSeconds());
      o.put("met", a.met());
      o.put("stop", a.stop());
    }
    return root;
  }

  /** A probe's figure that must be known: a NaN here is a bug in the caller, refused rather than written. */
  private static void required(ObjectNode o, String name, double value, int probe) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("search.json: probe " + probe + " has no " + name + " (" + value + ")");
    }
    o.put(name, value);
  }

  /** NaN (not known) is written as null: JSON has no NaN. */
  private static void number(ObjectNode o, String name, double value) {
    if (Double.isNaN(value)) {
      o.putNull(name);
    } else {
      o.put(name, value);
    }
  }
}
