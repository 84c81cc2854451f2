package dev.capkit.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.results.CorruptFileException;
import dev.capkit.gate.stats.CountSeries;
import dev.capkit.gate.stats.SecondSeries;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Reads a baseline file. This javadoc is the specification of <b>baseline formats v1 and v2</b>;
 * the file is written by {@link BaselineWriter} ({@code ./capkit baseline save}, always the newest
 * version) and meant to be committed. Both versions are read.
 *
 * <h2>Content</h2>
 * One JSON object (UTF-8):
 * <pre>
 * {
 *   "capkitBaseline": 2,                     format version (integer): 1 or 2
 *   "runId": "quickstart-20250101-120000",   the run it was taken from
 *   "scenario": { "name", "seed", "loadModel" (open|closed), "tier", "mix": { kind: weight } },
 *   "workload": { "objectives.e2e.p99": "15s", "requests.chat.maxTokens": "256",    v2 only, required:
 *                 "emulator.slowdown": "1.0", "target.model": "...", ... },         {@link Workload}, one
 *                                            dotted field to its value (string), sorted
 *   "histogramUnit": "microseconds",
 *   "histogramEncoding": "hdrhistogram-compressed-base64",
 *   "steps": [ {
 *       "id", "offered", "unit" (qps|agents), "network", "durationSeconds",
 *       "sent", "ok", "good",                 requests sent, succeeded, met every objective
 *       "kinds": { kind: { "sent", "ok", "histograms": { "e2e"|"ttft"|"tpot": "HISTFAAA..." },
 *                          "perSecond": { "e2e"|"ttft"|"tpot": [ "HISTFAAA...", "", ... ] },     optional
 *                          "perSecondCounts": { "sent": [8, 9, ...], "ok": [...], "good": [...] } } }   optional
 *   } ]
 * }
 * </pre>
 * A histogram is HdrHistogram's compressed encoding ({@code Histogram.encodeIntoCompressedByteBuffer},
 * the same as one line of an {@code .hlog} interval log) in base64: the whole step's values for
 * that kind, in microseconds. A kind without a metric (TTFT of non-streamed requests) omits it.
 * Readers ignore fields they do not know; adding a field keeps the version, removing or changing
 * the meaning of one bumps it. {@code perSecond} (optional, added to v2 without a version change:
 * older readers ignore it) holds the same values second by second: element {@code i} is the
 * histogram of the values whose interval started {@code i} to {@code i + 1} s after the step started,
 * {@code ""} for a second without values; for each metric the elements add up to its
 * {@code histograms} entry (a mismatch is corruption). The gate's moving-block bootstrap resamples
 * them; a baseline without them is judged with its requests taken as independent, and the verdict
 * says so. {@code perSecondCounts} (optional, added to v2 on 2026-12-02 without a version change) holds
 * the kind's requests second by second as the run folder's {@code counts.csv} counts them: element
 * {@code i} of {@code sent}, {@code ok} and {@code good} counts the requests that ended {@code i} to
 * {@code i + 1} s after the step started, succeeded, and met every objective; the three arrays are
 * equally long, nest in every second ({@code good <= ok <= sent}), add up to the kind's {@code sent}
 * and {@code ok}, and (when every kind has them) their {@code good} to the step's {@code good}. The
 * gate resamples them in blocks of seconds to judge goodput and errors; without them goodput's
 * dependence is stood in for by the slowest E2E values, and errors are taken as independent. <b>v2</b> added {@code workload}, which the gate requires to be equal
 * on both sides (or lets differ only with {@code --allow-difference}, noted in the verdict); a v1
 * baseline has no workload, so the gate compares what v1 holds and says the rest was not compared.
 * Golden files, one per version: {@code gate/src/test/resources/golden/baseline-v1.json},
 * {@code baseline-v2.json}.
 *
 * <pre>{@code
 * RunFigures baseline = BaselineReader.read(Path.of("baselines/smoke.json"));
 * }</pre>
 */
public final class BaselineReader {
  public static final int FORMAT_VERSION = 2;
  /** The versions this reader reads. */
  public static final java.util.Set<Integer> READS = java.util.Set.of(1, 2);
  static final String ENCODING = "hdrhistogram-compressed-base64";
  private static final ObjectMapper JSON = new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

  private BaselineReader() {}

  /** Whether {@code path} looks like a baseline file rather than a run folder. */
  public static boolean isBaselineFile(Path path) {
    return Files.isRegularFile(path);
  }

  public static RunFigures read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such baseline file");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CorruptFileException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not valid JSON (" + e.getOriginalMessage() + ")");
    }
    JsonNode version = root.get("capkitBaseline");
    if (version == null || !version.canConvertToInt()) {
      throw new IOException(file + ": field 'capkitBaseline' missing: not a capkit baseline file");
    }
    if (!READS.contains(version.asInt())) {
      throw new IOException(file + ": field 'capkitBaseline' is " + version.asInt() + "; this capkit reads versions 1 and 2");
    }
    Workload workload = Workload.unrecorded();
    if (version.asInt() >= 2) {
      JsonNode w = required(file, root, "workload");
      Map<String, String> fields = new LinkedHashMap<>();
      var it = w.fields();
      while (it.hasNext()) {
        var e = it.next();
        if (!e.getValue().isTextual()) {
          throw new CorruptFileException(file, 0, "field 'workload." + e.getKey() + "' is not a string");
        }
        fields.put(e.getKey(), e.getValue().asText());
      }
      if (fields.isEmpty()) {
        throw new CorruptFileException(file, 0, "field 'workload' is empty (format v2 records the run's workload)");
      }
      workload = new Workload(fields);
    }
    String unit = text(file, root, "histogramUnit");
    if (!unit.equals("microseconds")) {
      throw new IOException(file + ": field 'histogramUnit' is '" + unit + "'; expected 'microseconds'");
    }
    String encoding = text(file, root, "histogramEncoding");
    if (!encoding.equals(ENCODING)) {
      throw new IOException(file + ": field 'histogramEncoding' is '" + encoding + "'; expected '" + ENCODING + "'");
    }
    JsonNode s = required(file, root, "scenario");
    Map<String, Double> mix = new LinkedHashMap<>();
    required(file, s, "mix").fields().forEachRemaining(e -> mix.put(e.getKey(), e.getValue().asDouble()));
    ScenarioIdentity scenario = new ScenarioIdentity(text(file, s, "name"), required(file, s, "seed").asLong(),
        text(file, s, "loadModel"), mix, s.path("tier").asText("unknown"));
    List<StepFigures> steps = new ArrayList<>();
    int i = 0;
    for (JsonNode step : required(file, root, "steps")) {
      String where = "steps[" + i++ + "]";
      Map<String, KindFigures> kinds = new LinkedHashMap<>();
      var fields = required(file, step, "kinds").fields();
      while (fields.hasNext()) {
        var e = fields.next();
        Map<String, Histogram> hs = new LinkedHashMap<>();
        var hf = e.getValue().path("histograms").fields();
        while (hf.hasNext()) {
          var h = hf.next();
          hs.put(h.getKey(), decode(file, where + ".kinds." + e.getKey() + ".histograms." + h.getKey(), h.getValue().asText()));
        }
        String at = where + ".kinds." + e.getKey();
        Map<String, SecondSeries> seconds = perSecond(file, at, e.getValue().path("perSecond"), hs);
        long sent = count(file, e.getValue(), at, "sent");
        long ok = count(file, e.getValue(), at, "ok");
        kinds.put(e.getKey(), new KindFigures(sent, ok, hs, seconds, perSecondCounts(file, at, e.getValue().path("perSecondCounts"), sent, ok)));
      }
      StepFigures figures = new StepFigures(text(file, step, "id"), step.path("offered").asDouble(), step.path("unit").asText(),
          step.path("network").asText("none"), step.path("durationSeconds").asDouble(), count(file, step, where, "sent"),
          count(file, step, where, "ok"), count(file, step, where, "good"), kinds);
      checkCounts(file, where, figures);
      steps.add(figures);
    }
    return new RunFigures(file.toString(), root.path("runId").asText(""), scenario, false, steps, workload);
  }

  /**
   * Counts that must agree in a baseline written from a run: ok within sent, good within ok, kinds
   * adding up to the step, and each kind's E2E histogram holding one value per successful request
   * (TTFT and TPOT at most that many).
   */
  private static void checkCounts(Path file, String where, StepFigures s) throws CorruptFileException {
    if (s.ok() > s.sent() || s.good() > s.ok()) {
      throw new CorruptFileException(file, 0, "field '" + where + "': counts do not nest (sent " + s.sent() + ", ok " + s.ok() + ", good " + s.good() + ")");
    }
    long sent = 0;
    long ok = 0;
    for (var e : s.kinds().entrySet()) {
      KindFigures k = e.getValue();
      sent += k.sent();
      ok += k.ok();
      String at = where + ".kinds." + e.getKey();
      if (k.ok() > k.sent()) {
        throw new CorruptFileException(file, 0, "field '" + at + "': ok " + k.ok() + " exceeds sent " + k.sent());
      }
      Histogram e2e = k.histograms().get("e2e");
      if (e2e != null && e2e.getTotalCount() != k.ok()) {
        throw new CorruptFileException(file, 0, "field '" + at + ".histograms.e2e' holds " + e2e.getTotalCount() + " value(s), but ok is " + k.ok());
      }
      for (String m : List.of("ttft", "tpot")) {
        Histogram h = k.histograms().get(m);
        if (h != null && h.getTotalCount() > k.ok()) {
          throw new CorruptFileException(file, 0, "field '" + at + ".histograms." + m + "' holds " + h.getTotalCount() + " value(s), more than ok " + k.ok());
        }
      }
    }
    if (!s.kinds().isEmpty() && s.kinds().values().stream().allMatch(k -> k.counts() != null)) {
      long good = s.kinds().values().stream().mapToLong(k -> k.counts().totalGood()).sum();
      if (good != s.good()) {
        throw new CorruptFileException(file, 0, "field '" + where + ".kinds': perSecondCounts count " + good + " good request(s); the step says good "
            + s.good());
      }
    }
    if (!s.kinds().isEmpty() && (sent != s.sent() || ok != s.ok())) {
      throw new CorruptFileException(file, 0, "field '" + where + ".kinds': kinds add up to sent " + sent + ", ok " + ok + "; the step says sent "
          + s.sent() + ", ok " + s.ok());
    }
  }

  /** The optional {@code perSecond} object of one kind: decoded, and adding up to the kind's histograms. */
  private static Map<String, SecondSeries> perSecond(Path file, String at, JsonNode node, Map<String, Histogram> whole) throws IOException {
    Map<String, SecondSeries> out = new LinkedHashMap<>();
    if (node.isMissingNode()) {
      return out;
    }
    if (!node.isObject()) {
      throw new CorruptFileException(file, 0, "field '" + at + ".perSecond' is not an object");
    }
    var fields = node.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      String field = at + ".perSecond." + f.getKey();
      Histogram total = whole.get(f.getKey());
      if (total == null) {
        throw new CorruptFileException(file, 0, "field '" + field + "' has no histogram of that metric beside it");
      }
      if (!f.getValue().isArray() || f.getValue().isEmpty()) {
        throw new CorruptFileException(file, 0, "field '" + field + "' is not a non-empty array of histograms");
      }
      List<Histogram> seconds = new ArrayList<>();
      long values = 0;
      int i = 0;
      for (JsonNode second : f.getValue()) {
        if (!second.isTextual()) {
          throw new CorruptFileException(file, 0, "field '" + field + "[" + i + "]' is not a string");
        }
        Histogram h = second.asText().isEmpty() ? RunFigures.newHistogram() : decode(file, field + "[" + i + "]", second.asText());
        values += h.getTotalCount();
        seconds.add(h);
        i++;
      }
      if (values != total.getTotalCount()) {
        throw new CorruptFileException(file, 0, "field '" + field + "' holds " + values + " value(s), but '" + at + ".histograms."
            + f.getKey() + "' holds " + total.getTotalCount());
      }
      out.put(f.getKey(), SecondSeries.of(seconds));
    }
    return out;
  }

  /** The optional {@code perSecondCounts} object of one kind: three equal arrays of counts that nest and add up to the kind's. */
  private static CountSeries perSecondCounts(Path file, String at, JsonNode node, long sent, long ok) throws IOException {
    if (node.isMissingNode()) {
      return null;
    }
    String field = at + ".perSecondCounts";
    if (!node.isObject()) {
      throw new CorruptFileException(file, 0, "field '" + field + "' is not an object");
    }
    long[][] c = new long[3][];
    String[] names = {"sent", "ok", "good"};
    for (int i = 0; i < 3; i++) {
      JsonNode a = node.get(names[i]);
      if (a == null || !a.isArray() || a.isEmpty()) {
        throw new CorruptFileException(file, 0, "field '" + field + "." + names[i] + "' is not a non-empty array of counts");
      }
      c[i] = new long[a.size()];
      for (int s = 0; s < a.size(); s++) {
        JsonNode v = a.get(s);
        if (!v.isIntegralNumber() || v.asLong() < 0) {
          throw new CorruptFileException(file, 0, "field '" + field + "." + names[i] + "[" + s + "]' is not a count: " + v);
        }
        c[i][s] = v.asLong();
      }
    }
    if (c[0].length != c[1].length || c[1].length != c[2].length) {
      throw new CorruptFileException(file, 0, "field '" + field + "': sent, ok and good cover " + c[0].length + ", " + c[1].length + " and "
          + c[2].length + " seconds (must be equal)");
    }
    CountSeries series;
    try {
      series = CountSeries.of(c[0], c[1], c[2]);
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(file, 0, "field '" + field + "': " + e.getMessage());
    }
    if (series.totalSent() != sent || series.totalOk() != ok) {
      throw new CorruptFileException(file, 0, "field '" + field + "' adds up to sent " + series.totalSent() + ", ok " + series.totalOk()
          + "; the kind says sent " + sent + ", ok " + ok);
    }
    return series;
  }

  private static long count(Path file, JsonNode node, String where, String field) throws IOException {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || v.asLong() < 0) {
      throw new CorruptFileException(file, 0, "field '" + where + "." + field + "' missing or not a count: " + v);
    }
    return v.asLong();
  }

  static Histogram decode(Path file, String field, String base64) throws IOException {
    try {
      byte[] bytes = Base64.getDecoder().decode(base64);
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
    } catch (DataFormatException | RuntimeException e) {
      throw new CorruptFileException(file, 0, "field '" + field + "': not a compressed HdrHistogram in base64 (" + e.getMessage() + ")");
    }
  }

  private static JsonNode required(Path file, JsonNode node, String field) throws IOException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IOException(file + ": field '" + field + "' missing");
    }
    return v;
  }

  private static String text(Path file, JsonNode node, String field) throws IOException {
    return required(file, node, field).asText();
  }
}
