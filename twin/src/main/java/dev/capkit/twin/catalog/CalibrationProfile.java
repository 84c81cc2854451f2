package dev.capkit.twin.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.twin.answers.AnswerLength;
import dev.capkit.twin.physics.TwinCoefficients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A calibration profile: fitted values for some or all of the serving model's
 * {@link TwinCoefficients}, read from (and written to) a small JSON file. Applied on top of the
 * catalog's coefficients for a GPU, it replaces the values it names and keeps the rest.
 *
 * <p>Format {@code capkit.calibration/1} (golden file: {@code twin/src/test/resources/calibration/profile-v1.json}):
 * <pre>{@code
 * {
 *   "format": "capkit.calibration/1",          // required, exactly this string
 *   "name": "llamacpp-ci-cpu",                 // required: short name quoted next to every prediction
 *   "gpu": "A10",                              // optional: the catalog GPU id it was fitted on; applying it
 *                                              //   to another GPU is refused. Omit or null: any GPU.
 *   "created": "2026-12-02T05:10:00Z",         // optional, free text (ISO-8601 suggested)
 *   "about": "fitted to 6 measured runs ...",  // optional, free text
 *   "coefficients": {                          // required object; any subset of the eight names below
 *     "step_overhead_ms": 3.1,                 // ms per engine step (>= 0)
 *     "batched_step_ms": 12.0,                 // ms more per step of two or more tokens (>= 0); above 0 a step
 *                                              //   of one token runs at decode_mfu, a longer one at mfu
 *                                              //   (TwinCoefficients); omit or 0: one path
 *     "mfu": {"value": 0.42, "source": "..."}, // fraction of dense tensor peak in (0, 1] (prefill, vision)
 *     "decode_mfu": 0.3,                       // fraction of dense tensor peak in (0, 1] reached by decode
 *                                              //   tokens; omit: one compute fraction with mfu
 *     "mbu": 0.81,                             // fraction of peak DRAM bandwidth in (0, 1]
 *     "host_request_ms": 2.0,                  // ms of API-server CPU per request (>= 0)
 *     "image_preprocess_ms_per_megapixel": 9,  // ms of API-server CPU per input megapixel (>= 0)
 *     "detokenize_us_per_token": 20            // us of API-server CPU per output token (>= 0)
 *   },
 *   "answers": "fill-max-tokens",              // optional: the engine's answer lengths, model | fill-max-tokens
 *                                              //   (dev.capkit.twin.answers.AnswerLength); omit: not stated (model)
 *   "serving": {"max_num_seqs": "4"},          // optional: scheduler limits seen on the calibrated engine, vLLM's
 *                                              //   knob names (VllmKnobs.NAMES) -> value as text; applied under any
 *                                              //   knobs the user sets explicitly
 *   "fit": {                                   // optional: how well the coefficients reproduce the measurement
 *     "median_abs_error": 0.062,               //   median over figures of |fitted / measured - 1| (fraction, >= 0)
 *     "max_abs_error": 0.21,                   //   largest such error
 *     "figures": 24,                           //   number of figures fitted (steps x request kinds x statistics)
 *     "rows": [ {"run": "...", "step": "...", "kind": "chat", "figure": "ttft.p50",
 *                "measured_ms": 812.0, "fitted_ms": 790.1, "error": -0.027} ]   // optional, kept as written
 *   }
 * }
 * }</pre>
 * {@code answers}, {@code serving}, {@code fit} and the coefficients {@code decode_mfu} and
 * {@code batched_step_ms} were added without a version change (a {@code capkit.calibration/1} file without
 * them reads as before; a reader older than one of them refuses a file with it by name: "unknown coefficient").
 * Each value is a bare number or {@code {"value": n, "source": "..."}} (the source is kept and
 * written back). Unknown coefficient names, a wrong format string or an out-of-range value are
 * refused with a {@link CatalogException} naming file, field and value.
 *
 * <pre>{@code
 * CalibrationProfile p = CalibrationProfile.read(Path.of("calibration.json"));
 * TwinCoefficients c = p.applyTo(catalog.coefficients("A10"), "A10");
 * ServingPlan plan = ServingPlan.resolve(catalog, "gn7i-c8g1.2xlarge", "autoglm-phone-9b", Dtype.FP8, 0, c);
 * new CalibrationProfile("fit-1", "A10", "2026-12-02", null, Map.of("mbu", 0.8), Map.of(), "memory").write(path);
 * }</pre>
 *
 * @param values  coefficient name -> value in the JSON unit (ms, us or fraction), in file order
 * @param sources coefficient name -> its source text, for values written sourced
 * @param origin  where it was read from (a path, or "memory")
 */
public record CalibrationProfile(
    String name, String gpu, String created, String about, Map<String, Double> values, Map<String, String> sources,
    String origin, AnswerLength answers, Map<String, String> serving, Fit fit) {

  /**
   * How well the profile's coefficients reproduce the runs it was fitted on.
   *
   * @param rows the per-figure table as written ({@code fit.rows}, kept verbatim), or null
   */
  public record Fit(double medianAbsError, double maxAbsError, int figures, JsonNode rows) {
    /** One line, e.g. {@code fit error median 6.2%, max 21.0% over 24 figures}. */
    public String describe() {
      return String.format(java.util.Locale.ROOT, "fit error median %.1f%%, max %.1f%% over %d figures",
          medianAbsError * 100, maxAbsError * 100, figures);
    }
  }

  /** A profile without answer model, scheduler limits or fit summary. */
  public CalibrationProfile(String name, String gpu, String created, String about, Map<String, Double> values,
      Map<String, String> sources, String origin) {
    this(name, gpu, created, about, values, sources, origin, null, Map.of(), null);
  }

  public static final String FORMAT = "capkit.calibration/1";
  /** The coefficient names a profile may set, in the order they are written. */
  public static final List<String> NAMES = List.of("step_overhead_ms", "batched_step_ms", "mfu", "decode_mfu", "mbu",
      "host_request_ms", "image_preprocess_ms_per_megapixel", "detokenize_us_per_token");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public CalibrationProfile {
    if (name == null || name.isBlank()) {
      throw new CatalogException(origin + ": name: expected a non-empty string");
    }
    for (String key : values.keySet()) {
      if (!NAMES.contains(key)) {
        throw new CatalogException(origin + ": coefficients." + key + ": unknown coefficient (known: " + String.join(", ", NAMES) + ")");
      }
    }
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    serving = Collections.unmodifiableMap(new LinkedHashMap<>(serving == null ? Map.of() : serving));
    try {
      VllmKnobs.fromMap(serving);
    } catch (IllegalArgumentException e) {
      throw new CatalogException(origin + ": serving: " + e.getMessage(), e);
    }
  }

  /** The scheduler limits seen ({@code serving}) as knobs; {@link VllmKnobs#NONE} when none. */
  public VllmKnobs servingKnobs() {
    return VllmKnobs.fromMap(serving);
  }

  /** The answer-length model the profile states, or {@code fallback} when it states none. */
  public AnswerLength answersOr(AnswerLength fallback) {
    return answers == null ? fallback : answers;
  }

  /** One line naming the profile, its origin and its fit error, quoted next to predictions made with it. */
  public String describe() {
    return "calibration profile '" + name + "' (" + origin + ")" + (fit == null ? ", fit error not stated" : ", " + fit.describe());
  }

  /** Reads and validates a profile file. */
  public static CalibrationProfile read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new CatalogException(file + ": cannot read calibration profile: " + e.getMessage(), e);
    }
    String where = file.toString();
    if (root == null || !root.isObject()) {
      throw new CatalogException(where + ": expected a JSON object (format " + FORMAT + ")");
    }
    CatalogNode node = new CatalogNode(where, "", root);
    JsonNode format = root.get("format");
    if (format == null || !FORMAT.equals(format.asText())) {
      throw node.error("format", "expected \"" + FORMAT + "\"", format);
    }
    CatalogNode coefficients = node.child("coefficients");
    Map<String, Double> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    var fields = root.get("coefficients").fields();
    while (fields.hasNext()) {
      var field = fields.next();
      String key = field.getKey();
      if (!NAMES.contains(key)) {
        throw coefficients.error(key, "unknown coefficient (known: " + String.join(", ", NAMES) + ")", field.getValue());
      }
      double v = coefficients.nonNegative(key);
      if ((key.equals("mfu") || key.equals("decode_mfu") || key.equals("mbu")) && !(v > 0 && v <= 1)) {
        throw coefficients.error(key, "expected a fraction in (0, 1]", field.getValue());
      }
      values.put(key, v);
      JsonNode source = field.getValue().get("source");
      if (field.getValue().isObject() && source != null && source.isTextual()) {
        sources.put(key, source.asText());
      }
    }
    AnswerLength answers = null;
    if (root.hasNonNull("answers")) {
      try {
        answers = AnswerLength.parse(root.get("answers").asText());
      } catch (IllegalArgumentException e) {
        throw node.error("answers", "expected model or fill-max-tokens", root.get("answers"));
      }
    }
    Map<String, String> serving = new LinkedHashMap<>();
    if (root.hasNonNull("serving")) {
      if (!root.get("serving").isObject()) {
        throw node.error("serving", "expected an object of vLLM knob names", root.get("serving"));
      }
      root.get("serving").fields().forEachRemaining(f -> serving.put(f.getKey(), f.getValue().asText()));
    }
    return new CalibrationProfile(node.text("name"), optionalText(root, "gpu"), optionalText(root, "created"),
        optionalText(root, "about"), values, sources, where, answers, serving, readFit(node, root));
  }

  private static Fit readFit(CatalogNode node, JsonNode root) {
    if (!root.hasNonNull("fit")) {
      return null;
    }
    CatalogNode fit = node.child("fit");
    JsonNode f = root.get("fit");
    JsonNode figures = f.get("figures");
    if (figures == null || !figures.canConvertToInt() || figures.asInt() < 1) {
      throw fit.error("figures", "expected an integer >= 1", figures);
    }
    return new Fit(fit.nonNegative("median_abs_error"), fit.nonNegative("max_abs_error"), figures.asInt(), f.get("rows"));
  }

  /**
   * The base coefficients with this profile's values substituted; the result's source names the
   * profile, the values it set and the base source for the rest.
   *
   * @param gpuId the catalog GPU the plan runs on; refused if the profile was fitted on another GPU
   */
  public TwinCoefficients applyTo(TwinCoefficients base, String gpuId) {
    if (gpu != null && !gpu.equals(gpuId)) {
      throw new CatalogException(origin + ": gpu: profile '" + name + "' was fitted on GPU '" + gpu
          + "', not on '" + gpuId + "' (omit \"gpu\" to apply it to any GPU)");
    }
    String source = "calibration profile '" + name + "' (" + origin + (gpu == null ? "" : ", fitted on " + gpu)
        + (fit == null ? "" : ", " + fit.describe()) + ")"
        + (values.isEmpty() ? " sets nothing" : " sets " + String.join(", ", values.keySet()))
        + (values.size() == NAMES.size() ? "" : "; others from " + base.source());
    return new TwinCoefficients(source,
        ms(values.get("step_overhead_ms"), base.stepOverheadSeconds()),
        plain(values.get("mfu"), base.prefillMfu()),
        // decode_mfu not set: one compute fraction with mfu (as the profile's fit assumed), unless the
        // base kept a separate one and the profile does not set mfu either
        plain(values.get("decode_mfu"), values.containsKey("mfu") || base.oneComputeFraction()
            ? plain(values.get("mfu"), base.prefillMfu()) : base.decodeMfu()),
        plain(values.get("mbu"), base.decodeMbu()),
        ms(values.get("host_request_ms"), base.hostRequestSeconds()),
        ms(values.get("image_preprocess_ms_per_megapixel"), base.imagePreprocessSecondsPerMegapixel()),
        us(values.get("detokenize_us_per_token"), base.detokenizeSecondsPerToken()),
        ms(values.get("batched_step_ms"), base.batchedStepSeconds()));
  }

  /** The profile as {@code capkit.calibration/1} JSON text (2-space indent, trailing newline). */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("name", name);
    if (gpu != null) {
      root.put("gpu", gpu);
    }
    if (created != null) {
      root.put("created", created);
    }
    if (about != null) {
      root.put("about", about);
    }
    ObjectNode c = root.putObject("coefficients");
    for (String key : NAMES) {
      Double v = values.get(key);
      if (v == null) {
        continue;
      }
      if (sources.containsKey(key)) {
        c.putObject(key).put("value", v).put("source", sources.get(key));
      } else {
        c.put(key, v);
      }
    }
    if (answers != null) {
      root.put("answers", answers.key());
    }
    if (!serving.isEmpty()) {
      ObjectNode sv = root.putObject("serving");
      serving.forEach(sv::put);
    }
    if (fit != null) {
      ObjectNode f = root.putObject("fit");
      f.put("median_abs_error", fit.medianAbsError());
      f.put("max_abs_error", fit.maxAbsError());
      f.put("figures", fit.figures());
      if (fit.rows() != null) {
        f.set("rows", fit.rows());
      }
    }
    try {
      return JSON.writeValueAsString(root).replace("\r\n", "\n") + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  private static String optionalText(JsonNode root, String field) {
    JsonNode v = root.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static double ms(Double v, double fallbackSeconds) {
    return v == null ? fallbackSeconds : v / 1e3;
  }

  private static double us(Double v, double fallbackSeconds) {
    return v == null ? fallbackSeconds : v / 1e6;
  }

  private static double plain(Double v, double fallback) {
    return v == null ? fallback : v;
  }
}
