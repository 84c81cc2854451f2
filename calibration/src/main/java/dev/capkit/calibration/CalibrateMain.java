package dev.capkit.calibration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.ServingRefusedException;
import dev.capkit.twin.answers.AnswerLength;
import dev.capkit.twin.catalog.CalibrationProfile;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.CatalogException;
import dev.capkit.twin.catalog.VllmKnobs;
import dev.capkit.twin.physics.Dtype;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./capkit calibrate <measured run folder>... --out profile.json}: fits the twin's
 * coefficients (step overhead, compute and bandwidth fractions, host time per request, per image
 * megapixel when the runs had images) to what the runs measured, prints every figure with its fit
 * error, and writes a {@code capkit.calibration/1} profile ({@link CalibrationProfile}) that
 * {@code ./capkit plan --profile} applies. Exit 0 written, 2 bad input (file, field, value named).
 */
public final class CalibrateMain {
  static final String USAGE = """
      usage: capkit calibrate <measured run folder>... --out profile.json [options]
             capkit calibrate --check profile.json <measured run folder>... [--slo ttft.p99=2000,tpot.p50=60] [options]
        --out FILE            the calibration profile to write (capkit.calibration/1)
        --name NAME           the profile's name (default: the --out file name without .json)
        --catalog DIR         catalog directory (default: the shipped one)
        --tier ID             catalog tier the runs stand for (default: run.json target.tier)
        --model ID            catalog model served (default: run.json target.model)
        --dtype bf16|fp8|int4 weight precision served (default: bf16; llama.cpp F16 weights are 16-bit: bf16)
        --serving k=v,...     the engine's scheduler limits, vLLM knob names (e.g. max_num_seqs=4 for llama.cpp
                              --parallel 4); recorded in the profile and used by the replay
        --fit a,b,...         coefficients to fit (default: step_overhead_ms,mfu,decode_mfu,mbu,host_request_ms, plus
                              image_preprocess_ms_per_megapixel when a run had images, plus batched_step_ms when the
                              tier's "GPU" is a CPU (llama.cpp)); decode_mfu not identified: one compute fraction
                              with mfu; batched_step_ms not identified: 0 (one path)
        --start k=v,...       start values (JSON units) instead of the catalog's, e.g. host_request_ms=1 for an engine
                              without a Python API server; a coefficient the runs do not identify stays at its start
        --seeds N             Poisson draws pooled per run without requests.jsonl (default 3)
        --max-replays N       replays for the optimizer per fit (default 400; the Nelder-Mead polish adds a third)
        --check FILE          no fit: replay the runs with this profile and print predicted against measured TTFT p50/p99,
                              TPOT p50 per step, and the sustainable rate under --slo (ms limits) for runs with >= 2 steps
      Every figure printed is labelled: measured (the runs), fitted (the twin with the fitted coefficients, virtual time).
      """;

  private CalibrateMain() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return calibrate(Options.parse(args), out);
    } catch (CalibrationException | CatalogException e) {
      err.println("capkit calibrate: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("capkit calibrate: " + e.getMessage());
      return 2;
    }
  }

  /** Parsed command line. */
  record Options(List<Path> runs, Path out, String name, Path catalog, String tier, String model, Dtype dtype,
      VllmKnobs serving, Map<String, String> servingText, List<Coefficient> fit, int seeds, int maxReplays, Path check,
      Map<String, Double> slo, Map<Coefficient, Double> start) {
    static Map<Coefficient, Double> start(String spec) {
      Map<Coefficient, Double> out = new java.util.EnumMap<>(Coefficient.class);
      if (spec == null) {
        return out;
      }
      for (String part : spec.split(",")) {
        String[] kv = part.split("=");
        Coefficient c = java.util.Arrays.stream(Coefficient.values()).filter(x -> x.json().equals(kv[0].trim())).findFirst()
            .orElseThrow(() -> new CalibrationException("--start: unknown coefficient '" + kv[0].trim() + "'"));
        try {
          double v = Double.parseDouble(kv[1].trim());
          if (!(v >= 0) || (c.fraction() && !(v > 0 && v <= 1))) {
            throw new NumberFormatException();
          }
          out.put(c, v);
        } catch (RuntimeException e) {
          throw new CalibrationException("--start: " + c.json() + ": expected a number" + (c.fraction() ? " in (0, 1]" : " >= 0")
              + ", got '" + part + "'");
        }
      }
      return out;
    }

    static Options parse(String[] args) {
      List<Path> runs = new ArrayList<>();
      Map<String, String> o = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          throw new CalibrationException(USAGE);
        }
        if (a.startsWith("--")) {
          if (!List.of("--out", "--name", "--catalog", "--tier", "--model", "--dtype", "--serving", "--fit", "--seeds",
              "--max-replays", "--check", "--slo", "--start").contains(a)) {
            throw new CalibrationException("unknown option '" + a + "'\n" + USAGE);
          }
          if (i + 1 >= args.length) {
            throw new CalibrationException(a + ": missing value");
          }
          o.put(a, args[++i]);
        } else {
          runs.add(Path.of(a));
        }
      }
      if (runs.isEmpty()) {
        throw new CalibrationException("no run folder given\n" + USAGE);
      }
      if (!o.containsKey("--out") && !o.containsKey("--check")) {
        throw new CalibrationException("--out: missing (where to write the profile)\n" + USAGE);
      }
      Path out = Path.of(o.getOrDefault("--out", "unused.json"));
      String name = o.getOrDefault("--name", out.getFileName().toString().replaceFirst("\\.json$", ""));
      Dtype dtype;
      try {
        dtype = Dtype.parse(o.getOrDefault("--dtype", "bf16"));
      } catch (IllegalArgumentException e) {
        throw new CalibrationException("--dtype: " + e.getMessage());
      }
      Map<String, String> servingText = new LinkedHashMap<>();
      VllmKnobs serving;
      try {
        serving = o.containsKey("--serving") ? VllmKnobs.parse(o.get("--serving")) : VllmKnobs.NONE;
        servingText.putAll(serving.values());
      } catch (IllegalArgumentException e) {
        throw new CalibrationException("--serving: " + e.getMessage());
      }
      List<Coefficient> fit = new ArrayList<>();
      if (o.containsKey("--fit")) {
        for (String n : o.get("--fit").split(",")) {
          Coefficient c = java.util.Arrays.stream(Coefficient.values()).filter(x -> x.json().equals(n.trim())).findFirst()
              .orElseThrow(() -> new CalibrationException("--fit: unknown coefficient '" + n.trim() + "' (known: "
                  + String.join(", ", java.util.Arrays.stream(Coefficient.values()).map(Coefficient::json).toList()) + ")"));
          fit.add(c);
        }
      }
      Map<String, Double> slo = new LinkedHashMap<>();
      if (o.containsKey("--slo")) {
        for (String part : o.get("--slo").split(",")) {
          String[] kv = part.split("=");
          try {
            slo.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
          } catch (RuntimeException e) {
            throw new CalibrationException("--slo: expected figure=milliseconds, e.g. ttft.p99=2000, got '" + part + "'");
          }
        }
      }
      return new Options(runs, out, name, o.containsKey("--catalog") ? Path.of(o.get("--catalog")) : null, o.get("--tier"),
          o.get("--model"), dtype, serving, servingText, fit, positive(o, "--seeds", 3), positive(o, "--max-replays", 400),
          o.containsKey("--check") ? Path.of(o.get("--check")) : null, slo, start(o.get("--start")));
    }

    private static int positive(Map<String, String> o, String key, int fallback) {
      if (!o.containsKey(key)) {
        return fallback;
      }
      try {
        int v = Integer.parseInt(o.get(key));
        if (v >= 1) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new CalibrationException(key + ": expected a whole number >= 1, got '" + o.get(key) + "'");
    }
  }

  static int calibrate(Options o, PrintStream out) throws IOException {
    long t0 = System.nanoTime();
    List<MeasuredRun> runs = new ArrayList<>();
    for (Path folder : o.runs()) {
      runs.add(MeasuredRunReader.read(folder));
    }
    String tier = o.tier() != null ? o.tier() : same(runs, "target.tier", MeasuredRun::tier);
    String model = o.model() != null ? o.model() : same(runs, "target.model", MeasuredRun::model);
    Catalog catalog = Catalog.load(o.catalog());
    if (o.check() != null) {
      return check(o, runs, catalog, tier, model, out);
    }
    ServingPlan plan;
    try {
      plan = ServingPlan.resolve(catalog, tier, model, o.dtype(), o.serving(), null);
      if (!o.start().isEmpty()) {
        dev.capkit.twin.physics.TwinCoefficients c = plan.coefficients();
        for (Map.Entry<Coefficient, Double> e : o.start().entrySet()) {
          c = e.getKey().with(c, e.getValue());
        }
        plan = plan.withCoefficients(c.withSource("--start " + o.start().keySet().stream().map(Coefficient::json).toList()
            + " over " + c.source()));
      }
    } catch (ServingRefusedException e) {
      throw new CalibrationException(runs.get(0).folder().resolve("run.json") + ": target.tier/target.model: \"" + tier
          + "\" / \"" + model + "\": " + e.getMessage() + " (set --tier/--model/--catalog to the catalog entries the runs stand for)");
    }
    List<Figure> figures = Replay.measured(runs);
    boolean images = runs.stream().flatMap(r -> r.steps().stream()).flatMap(s -> s.kinds().values().stream())
        .anyMatch(MeasuredKind::hasImage);
    List<Coefficient> free = !o.fit().isEmpty() ? o.fit() : defaultFit(images, plan.gpu().cpu());
    out.printf(Locale.ROOT, "calibrate: %d measured run(s), %d step(s), %d figure(s); twin: %s%n", runs.size(),
        runs.stream().mapToInt(r -> r.steps().size()).sum(), figures.size(), plan.summary());
    for (MeasuredRun r : runs) {
      out.printf(Locale.ROOT, "  %s: replay of %s%s%n", r.name(), r.replaySource(),
          r.skipped().isEmpty() ? "" : "; skipped " + String.join("; ", r.skipped()));
    }
    Replay replay = new Replay(runs, o.seeds(), plan.imageRule());
    FitResult fit = new CoefficientFit(plan, replay, figures).fitIdentified(free, o.maxReplays());
    printRows(fit, out);
    printCoefficients(plan, fit, out);
    AnswerLength answers = runs.stream().flatMap(r -> r.steps().stream()).flatMap(s -> s.kinds().values().stream())
        .allMatch(MeasuredKind::filledMaxTokens) ? AnswerLength.FILL_MAX_TOKENS : null;
    CalibrationProfile profile = profile(o, runs, plan, fit, answers);
    profile.write(o.out());
    out.printf(Locale.ROOT, "wrote %s (%s, %s): %s; %d replays in %.1f s%n", o.out(), CalibrationProfile.FORMAT,
        answers == null ? "answer lengths as measured, not all max_tokens" : "answers fill-max-tokens (every measured answer was"
            + " exactly max_tokens)", profile.describe().replaceFirst("^.*\\), ", ""), fit.evaluations(), (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  private static int check(Options o, List<MeasuredRun> runs, Catalog catalog, String tier, String model, PrintStream out) {
    CalibrationProfile profile = CalibrationProfile.read(o.check());
    ServingPlan plan;
    try {
      String gpu = catalog.tier(tier).gpuId();
      plan = ServingPlan.resolve(catalog, tier, model, o.dtype(), profile.servingKnobs().overriddenBy(o.serving()),
          profile.applyTo(catalog.coefficients(gpu), gpu));
    } catch (ServingRefusedException e) {
      throw new CalibrationException(o.check() + ": " + e.getMessage());
    }
    out.printf(Locale.ROOT, "check: %d measured run(s) replayed with %s; twin: %s%n", runs.size(), profile.describe(), plan.summary());
    for (MeasuredRun r : runs) {
      out.printf(Locale.ROOT, "  %s: replay of %s%n", r.name(), r.replaySource());
    }
    Map<String, Double> predicted = new Replay(runs, o.seeds(), plan.imageRule()).figures(plan);
    PredictionCheck.print(PredictionCheck.rows(runs, predicted, o.slo()), out);
    return 0;
  }

  private static String same(List<MeasuredRun> runs, String field, java.util.function.Function<MeasuredRun, String> get) {
    String v = get.apply(runs.get(0));
    for (MeasuredRun r : runs) {
      String x = get.apply(r);
      if (x == null || x.isBlank() || x.equals("unlabelled")) {
        throw new CalibrationException(r.folder().resolve("run.json") + ": " + field + ": \"" + x + "\": no catalog entry named;"
            + " give --" + field.substring(field.indexOf('.') + 1) + " (or run with -Dcapkit." + field.substring(field.indexOf('.') + 1) + ")");
      }
      if (!x.equals(v)) {
        throw new CalibrationException(r.folder().resolve("run.json") + ": " + field + ": \"" + x + "\", but "
            + runs.get(0).folder().resolve("run.json") + " has \"" + v + "\": one profile is fitted to one tier and model");
      }
    }
    return v;
  }

  private static void printRows(FitResult fit, PrintStream out) {
    out.println();
    out.println("run | step | kind | figure | measured ms | fitted ms (twin, virtual time) | error");
    for (FitRow r : fit.rows()) {
      Figure f = r.figure();
      out.printf(Locale.ROOT, "%s | %s | %s | %s | %.1f | %.1f | %s%n", f.run(), f.step(), f.kind(), f.name(), f.measuredMs(),
          r.fittedMs(), Double.isNaN(r.error()) ? "no such figure in the replay" : String.format(Locale.ROOT, "%+.1f%%", r.error() * 100));
    }
    out.print("median |error| by figure:");
    fit.medianAbsErrorByFigure().forEach((k, v) -> out.printf(Locale.ROOT, " %s %.1f%%", k, v * 100));
    out.printf(Locale.ROOT, "; all figures: median %.1f%%, max %.1f%%%n", fit.medianAbsError() * 100, fit.maxAbsError() * 100);
  }

  private static void printCoefficients(ServingPlan plan, FitResult fit, PrintStream out) {
    out.println();
    out.println("coefficient | start (" + plan.coefficients().source() + ") | fitted | separability (>= " + FitResult.IDENTIFIED
        + ": identified)");
    for (Coefficient c : fit.fitted()) {
      out.printf(Locale.ROOT, "%s | %.4g | %.4g | %.4f%s%n", c.json(), c.get(plan.coefficients()), c.get(fit.coefficients()),
          fit.sensitivity().get(c), fit.identified(c) ? "" : " NOT IDENTIFIED (kept out of the profile)");
    }
    for (String note : fit.notes()) {
      out.println("  " + note + " (add a load level with another batch size to identify it)");
    }
  }

  private static CalibrationProfile profile(Options o, List<MeasuredRun> runs, ServingPlan plan, FitResult fit,
      AnswerLength answers) {
    Map<String, Double> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    String names = String.join(", ", runs.stream().map(MeasuredRun::name).toList());
    for (Coefficient c : fit.fitted()) {
      if (!fit.identified(c)) {
        continue;
      }
      values.put(c.json(), round(c.get(fit.coefficients())));
      sources.put(c.json(), String.format(Locale.ROOT, "fitted by capkit calibrate to %d measured figures of %s; fit error median"
          + " %.1f%%", fit.rows().size(), names, fit.medianAbsError() * 100));
    }
    for (Map.Entry<Coefficient, Double> e : o.start().entrySet()) {
      if (!values.containsKey(e.getKey().json())) { // the fit ran with it: the profile must carry it, said as input
        values.put(e.getKey().json(), e.getValue());
        sources.put(e.getKey().json(), "stated input (capkit calibrate --start); " + (fit.fitted().contains(e.getKey())
            ? "the runs do not identify it" : "not fitted"));
      }
    }
    ObjectMapper json = new ObjectMapper();
    ArrayNode rows = json.createArrayNode();
    for (FitRow r : fit.rows()) {
      ObjectNode n = rows.addObject();
      n.put("run", r.figure().run()).put("step", r.figure().step()).put("kind", r.figure().kind())
          .put("figure", r.figure().name()).put("measured_ms", r.figure().measuredMs())
          .put("fitted_ms", round(r.fittedMs()));
      if (Double.isNaN(r.error())) {
        n.putNull("error");
      } else {
        n.put("error", round(r.error()));
      }
    }
    String about = String.format(Locale.ROOT, "fitted by capkit calibrate on %s to %d measured run(s) (%s) on %s serving %s in %s",
        Instant.now(), runs.size(), names, plan.tier().id(), plan.model().id(), plan.dtype().key());
    return new CalibrationProfile(o.name(), plan.gpu().id(), Instant.now().toString(), about, values, sources, o.out().toString(),
        answers, o.servingText(), new CalibrationProfile.Fit(round(fit.medianAbsError()), round(fit.maxAbsError()),
            fit.rows().size(), rows));
  }

  private static double round(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return v;
    }
    double scale = Math.pow(10, 4 - Math.ceil(Math.log10(Math.abs(v))));
    return Math.round(v * scale) / scale;
  }

  /**
   * The coefficients fitted without {@code --fit}: step overhead, both compute fractions, bandwidth fraction and
   * host time; the image time when a run had images; and the batched-path step cost when the catalog's "GPU" is a
   * CPU ({@code device: cpu}: llama.cpp, whose one-token steps and multi-token steps run different kernels).
   */
  static List<Coefficient> defaultFit(boolean images, boolean cpu) {
    List<Coefficient> free = new java.util.ArrayList<>(List.of(Coefficient.STEP_OVERHEAD, Coefficient.MFU,
        Coefficient.DECODE_MFU, Coefficient.MBU, Coefficient.HOST_REQUEST));
    if (images) {
      free.add(Coefficient.IMAGE_PREPROCESS);
    }
    if (cpu) {
      free.add(1, Coefficient.BATCHED_STEP);
    }
    return List.copyOf(free);
  }
}
