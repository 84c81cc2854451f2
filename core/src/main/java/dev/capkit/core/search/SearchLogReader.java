package dev.capkit.core.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.results.CorruptFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code search.json}. This javadoc is the specification of <b>search log format v2</b> (v1 is
 * read too: it has neither {@code agents} nor a probe's {@code tasks}).
 *
 * <p>A run whose steps were chosen by a capacity search (scenario {@code load.search}) holds, next to
 * run.json, one JSON object (UTF-8) rewritten atomically after every probe:
 * <ul>
 *   <li>{@code capkitSearch}: format version, integer, {@code 2} ({@code 1} accepted);
 *   <li>{@code unit}: {@code qps} or {@code agents}; {@code basis}: {@code measured}, {@code emulated}
 *       or {@code predicted} (what answered the probes);
 *   <li>{@code settings}: {@code start}, {@code growth}, {@code precision} (0.05 = ±5%),
 *       {@code confidence}, {@code budgetSeconds}, {@code warmupSeconds}, {@code scoutRequests},
 *       {@code maxLooks} (numbers);
 *   <li>{@code objectives}: object, objective key (as run.json's verdicts) to its allowed violating
 *       share in (0, 1);
 *   <li>{@code probes}: list in order, each with {@code index} (0, 1, ...), {@code stepId} (the step
 *       of run.json holding the probe's window, or null), {@code phase} ({@code scout},
 *       {@code verdict-low}, {@code verdict-high}), {@code look}, {@code rate}, {@code startSeconds}
 *       (warm-up start after the search's start), {@code warmupSeconds}, {@code plannedSeconds},
 *       {@code windowSeconds} (as run; shorter when {@code stoppedEarly}), {@code requests} (judged),
 *       {@code violations} (object: objective key to count), {@code gpuSeconds} (warm-up, window and
 *       drain), {@code stoppedEarly}, {@code verdict} ({@code holds}, {@code broken},
 *       {@code undecided}), {@code reasons} (strings), and the search's state after it: {@code low},
 *       {@code high} (confirmed interval ends) and {@code under}, {@code over} (the scouts' bracket),
 *       each a number or null when not known yet; since v2 {@code tasks}: null for open loop, else the
 *       tasks started in the probe's window that finished: {@code finished} (integer), {@code windowSeconds},
 *       {@code p50Seconds}, {@code p95Seconds} (completion time, nearest rank, think times included),
 *       {@code shareAllStepsMet}, {@code tasksPerHour} (numbers, null when there was no task);
 *   <li>since v2 {@code agents}: null for open loop, else {@code stepsPerTask} (integer),
 *       {@code thinkSeconds} (number), {@code taskObjectives} (strings, e.g. {@code "task.p95 < 90s"}; their
 *       keys are among {@code objectives}, their violations counted among a probe's finished tasks);
 *   <li>{@code answer}: null while the search runs, then {@code low}, {@code high},
 *       {@code precision} (number or null when the interval did not close), {@code target},
 *       {@code confidence}, {@code gpuSeconds}, {@code met} (boolean), {@code stop} (why it stopped).
 * </ul>
 * Unknown fields are ignored; a missing or mistyped one is refused with the file and the field.
 */
public final class SearchLogReader {
  public static final int FORMAT_VERSION = 2;
  public static final int OLDEST_FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SearchLogReader() {}

  /** The search log of a run folder's file, or empty when the file does not exist (a ladder run). */
  public static Optional<SearchLog> readIfPresent(Path file) throws IOException {
    return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
  }

  public static SearchLog read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new CorruptFileException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new CorruptFileException(file, 1, "expected a JSON object");
    }
    Fields f = new Fields(file, "", root);
    int version = (int) f.number("capkitSearch");
    if (version < OLDEST_FORMAT_VERSION || version > FORMAT_VERSION) {
      throw new CorruptFileException(file, 0, "capkitSearch " + version + " is not supported (this capkit reads "
          + OLDEST_FORMAT_VERSION + " to " + FORMAT_VERSION + ")");
    }
    Fields s = f.object("settings");
    SearchLog.Settings settings = new SearchLog.Settings(s.number("start"), s.number("growth"), s.number("precision"),
        s.number("confidence"), s.number("budgetSeconds"), s.number("warmupSeconds"), (int) s.number("scoutRequests"),
        (int) s.number("maxLooks"));
    Map<String, Double> objectives = new LinkedHashMap<>();
    Fields o = f.object("objectives");
    for (Iterator<String> it = o.node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      double q = o.number(key);
      if (!(q > 0 && q < 1)) {
        throw o.error(key, "allowed share " + q + " is not in (0, 1)");
      }
      objectives.put(key, q);
    }
    List<SearchLog.Probe> probes = new ArrayList<>();
    JsonNode list = f.require("probes");
    if (!list.isArray()) {
      throw f.error("probes", "expected a list");
    }
    for (int i = 0; i < list.size(); i++) {
      if (!list.get(i).isObject()) {
        throw f.error("probes[" + i + "]", "expected an object");
      }
      probes.add(probe(new Fields(file, "probes[" + i + "]", list.get(i)), i));
    }
    JsonNode a = root.get("answer");
    SearchLog.Answer answer = null;
    if (a != null && !a.isNull()) {
      Fields af = f.object("answer");
      answer = new SearchLog.Answer(af.numberOrNaN("low"), af.numberOrNaN("high"), af.numberOrNaN("precision"),
          af.number("target"), af.number("confidence"), af.number("gpuSeconds"), af.bool("met"), af.text("stop"));
    }
    SearchLog.Agents agents = null;
    JsonNode ag = root.get("agents");
    if (ag != null && !ag.isNull()) {
      Fields af = f.object("agents");
      JsonNode list2 = af.require("taskObjectives");
      if (!list2.isArray()) {
        throw af.error("taskObjectives", "expected a list of strings");
      }
      List<String> tasks = new ArrayList<>();
      list2.forEach(n -> tasks.add(n.asText()));
      agents = new SearchLog.Agents((int) af.number("stepsPerTask"), af.number("thinkSeconds"), tasks);
    }
    return new SearchLog(f.text("unit"), f.text("basis"), settings, objectives, probes, answer, agents);
  }

  private static SearchLog.Probe probe(Fields p, int i) throws CorruptFileException {
    if ((int) p.number("index") != i) {
      throw p.error("index", "expected " + i + " (probes are listed in order)");
    }
    Map<String, Long> violations = new LinkedHashMap<>();
    Fields v = p.object("violations");
    for (Iterator<String> it = v.node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      violations.put(key, (long) v.number(key));
    }
    List<String> reasons = new ArrayList<>();
    JsonNode r = p.require("reasons");
    if (!r.isArray()) {
      throw p.error("reasons", "expected a list of strings");
    }
    r.forEach(n -> reasons.add(n.asText()));
    JsonNode step = p.node.get("stepId");
    String verdict = p.text("verdict");
    if (!List.of("holds", "broken", "undecided").contains(verdict)) {
      throw p.error("verdict", "'" + verdict + "' is not holds, broken or undecided");
    }
    return new SearchLog.Probe(i, step == null || step.isNull() ? null : step.asText(), p.text("phase"),
        (int) p.number("look"), p.number("rate"), p.number("startSeconds"), p.number("warmupSeconds"),
        p.number("plannedSeconds"), p.number("windowSeconds"), (long) p.number("requests"), violations,
        p.number("gpuSeconds"), p.bool("stoppedEarly"), verdict, reasons, p.numberOrNaN("low"), p.numberOrNaN("high"),
        p.numberOrNaN("under"), p.numberOrNaN("over"), tasks(p));
  }

  private static SearchLog.Tasks tasks(Fields p) throws CorruptFileException {
    JsonNode t = p.node.get("tasks");
    if (t == null || t.isNull()) {
      return null;
    }
    Fields f = p.object("tasks");
    return new SearchLog.Tasks((long) f.number("finished"), f.number("windowSeconds"), f.numberOrNaN("p50Seconds"),
        f.numberOrNaN("p95Seconds"), f.numberOrNaN("shareAllStepsMet"), f.numberOrNaN("tasksPerHour"));
  }

  /** One JSON object of the file, with errors naming the file and the field's path. */
  private record Fields(Path file, String path, JsonNode node) {
    CorruptFileException error(String name, String why) {
      return new CorruptFileException(file, 0, "field " + (path.isEmpty() ? name : path + "." + name) + ": " + why);
    }

    JsonNode require(String name) throws CorruptFileException {
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        throw error(name, "missing");
      }
      return v;
    }

    Fields object(String name) throws CorruptFileException {
      JsonNode v = require(name);
      if (!v.isObject()) {
        throw error(name, "expected an object");
      }
      return new Fields(file, path.isEmpty() ? name : path + "." + name, v);
    }

    double number(String name) throws CorruptFileException {
      JsonNode v = require(name);
      if (!v.isNumber()) {
        throw error(name, "expected a number, found " + v);
      }
      return v.asDouble();
    }

    double numberOrNaN(String name) throws CorruptFileException {
      JsonNode v = node.get(name);
      return v == null || v.isNull() ? Double.NaN : number(name);
    }

    String text(String name) throws CorruptFileException {
      JsonNode v = require(name);
      if (!v.isTextual()) {
        throw error(name, "expected a string, found " + v);
      }
      return v.asText();
    }

    boolean bool(String name) throws CorruptFileException {
      JsonNode v = require(name);
      if (!v.isBoolean()) {
        throw error(name, "expected true or false, found " + v);
      }
      return v.asBoolean();
    }
  }
}
