package dev.capkit.planner;

import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSeries;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.twin.ServingRefusedException;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.CatalogException;
import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.ModelArchitecture;
import dev.capkit.twin.catalog.TierSpec;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.planner.capacity.Knee;
import dev.capkit.planner.capacity.KneeFinder;
import dev.capkit.planner.capacity.ReplicaPlan;
import dev.capkit.planner.capacity.SloCrossing;
import dev.capkit.planner.capacity.SustainableRate;
import dev.capkit.planner.capacity.VramBudget;
import dev.capkit.planner.predict.TierPredictor;
import dev.capkit.planner.sizing.ContainerSizing;
import dev.capkit.planner.sizing.PodResources;
import dev.capkit.planner.sizing.ResourceSeries;
import dev.capkit.planner.sizing.SizingSettings;
import dev.capkit.planner.stats.Statistics;
import dev.capkit.planner.stats.UslFit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns run folders into a capacity plan. Everything below {@link #planRuns} is a function of
 * values: ladders, objectives, the catalog and the options.
 *
 * <pre>{@code
 * PlanResult plan = Planner.planRuns(List.of(Path.of("simulations/target/capkit-runs/capacity-sweep-...")),
 *     PlanOptions.defaults(20).withSlos(SloTarget.parseList("e2e.p99=8s,ttft.p99=3s,errors=0.1%")));
 * PlanWriters.writeAll(plan, Path.of("plan"));      // plan.json, plan.md, recommended-tier.yaml
 * System.out.print(PlanMarkdown.tierTable(plan));
 * }</pre>
 */
public final class Planner {
  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
  static final int CALIBRATION_SEEDS = 5;
  static final int CALIBRATION_STEPS = 24;

  private static final String RUN_SAMPLES_WARNING = "container CPU/memory come from server samples";

  private Planner() {}

  /**
   * Plans as {@link #planRuns(List, PlanOptions)}, but sizes the container from {@code history} (server
   * samples read from a Prometheus server, e.g. a week of production) instead of the runs' own
   * samples; the plan's container basis records the history's queries and window.
   */
  public static PlanResult planRuns(List<Path> runFolders, PlanOptions options, dev.capkit.core.prometheus.ServerHistory history) {
    PlanResult p = plan(runFolders, options, history.samples());
    if (p.pod() == null) {
      return p;
    }
    List<String> warnings = new ArrayList<>(p.warnings().stream().filter(w -> !w.startsWith(RUN_SAMPLES_WARNING)).toList());
    if (p.pod().measured()) {
      warnings.add("container CPU/memory come from Prometheus history, not from the runs: " + history.source());
    }
    return new PlanResult(p.generatedAt(), p.basis(), p.scenario(), p.runs(), p.targetQps(), p.slos(), p.sloSource(), p.headroom(),
        p.catalog(), p.prices(), p.calibration(), p.rows(), p.recommendation(), p.pod().withSourceFirst("server samples: " + history.source()),
        warnings, p.tokenEconomics());
  }

  /** Reads the run folders and plans; {@link PlanException} (file, field, value) when the input cannot be planned from. */
  public static PlanResult planRuns(List<Path> runFolders, PlanOptions options) {
    return plan(runFolders, options, null);
  }

  private static PlanResult plan(List<Path> runFolders, PlanOptions options, List<ServerSample> historySamples) {
    Catalog catalog;
    try {
      catalog = Catalog.load(options.catalogDir());
    } catch (CatalogException e) {
      throw new PlanException(e.getMessage(), e);
    }
    LadderReader.Result read = LadderReader.read(runFolders, catalog, options.assumedDtype(), options.slos(),
        options.allowFaultHooks());
    List<ServerSample> samples = new ArrayList<>();
    List<String> warnings = new ArrayList<>(read.warnings());
    for (RunReader.Run run : historySamples != null ? List.<RunReader.Run>of() : read.runs()) {
      try {
        ServerSamplesReader.read(run.folder()).ifPresent(s -> samples.addAll(s.samples()));
      } catch (dev.capkit.core.results.CorruptFileException e) {
        throw new PlanException("refusing to size containers on corrupt server samples: " + e.getMessage(), e);
      } catch (IOException e) {
        warnings.add("server samples ignored: " + e.getMessage());
      }
    }
    if (historySamples != null) {
      samples.addAll(historySamples);
    }
    noProcessMetrics(read.runs(), samples).ifPresent(warnings::add);
    List<String> runIds = read.runs().stream().map(r -> r.manifest().runId()).toList();
    // Prometheus history is a real serving process's; the runs' own samples are modelled when the runs were emulated.
    String samplesBasis = historySamples != null ? PodResources.MEASURED : samplesBasis(read.ladders());
    return plan(read.ladders(), read.runs().get(0).manifest().scenario(), servedModel(read.runs()), runIds, samples, samplesBasis,
        catalog, options, warnings);
  }

  /**
   * The model the runs' target served: run.json's {@code target.served.model} (what the endpoint
   * answered for), else {@code target.model}, else {@code scenario.model}. Runs of different models
   * cannot share one plan.
   */
  static String servedModel(List<RunReader.Run> runs) {
    String first = null;
    Path firstFile = null;
    for (RunReader.Run run : runs) {
      var m = run.manifest();
      String name = m.target() != null && m.target().served().get("model") != null ? m.target().served().get("model")
          : m.target() != null && m.target().model() != null ? m.target().model() : m.scenario().model();
      if (first == null) {
        first = name;
        firstFile = run.folder().resolve("run.json");
      } else if (!first.equals(name)) {
        throw new PlanException(run.folder().resolve("run.json") + ": field 'target.served.model' is '" + name + "' but " + firstFile
            + " served '" + first + "': plan runs of one model at a time");
      }
    }
    return first;
  }

  /**
   * Server samples that never carry CPU or memory (llama.cpp's server and TGI export no process
   * metrics) give a warning naming the engine, rather than a silent fall-back to node-sized containers.
   */
  static java.util.Optional<String> noProcessMetrics(List<RunReader.Run> runs, List<ServerSample> samples) {
    boolean any = samples.stream().filter(ServerSample::ok).anyMatch(s -> !Double.isNaN(s.value(ServerSeries.CPU_SECONDS))
        || !Double.isNaN(s.value(ServerSeries.RESIDENT_BYTES)));
    if (samples.isEmpty() || any) {
      return java.util.Optional.empty();
    }
    String engine = runs.stream().map(r -> r.manifest().target() == null ? null : r.manifest().target().served().get("engine"))
        .filter(java.util.Objects::nonNull).findFirst().orElse("the target");
    return java.util.Optional.of("container cpu and memory NOT measured: " + engine + " exports no process metrics (no "
        + ServerSeries.CPU_SECONDS + " or " + ServerSeries.RESIDENT_BYTES + " in " + samples.size()
        + " server samples); requests and limits below are sized to the node");
  }

  /** Plans from ladders already read (tests and the benchmark call this with synthetic ladders). */
  public static PlanResult plan(List<TierLadder> measured, ScenarioInfo scenario, List<String> runIds, List<ServerSample> samples,
      Catalog catalog, PlanOptions options, List<String> warningsSoFar) {
    return plan(measured, scenario, scenario.model(), runIds, samples, samplesBasis(measured), catalog, options, warningsSoFar);
  }

  /** As above; {@code samplesBasis} says whether the server samples are measured or the emulator's modelled ones. */
  static PlanResult plan(List<TierLadder> measured, ScenarioInfo scenario, String servedModel, List<String> runIds,
      List<ServerSample> samples, String samplesBasis, Catalog catalog, PlanOptions options, List<String> warningsSoFar) {
    List<String> warnings = new ArrayList<>(warningsSoFar);
    Statistics stats = Statistics.standard();
    List<SloTarget> slos = options.slos().isEmpty() ? SloTarget.fromScenario(scenario, "scenario " + scenario.name()) : options.slos();
    String sloSource = options.slos().isEmpty() ? "scenario " + scenario.name() + " (run.json scenario.slo, maxErrorRate)" : "--slo";
    checkTiers(catalog, options);
    ModelArchitecture model = catalog.servedModel(servedModel).orElse(null);
    if (model == null) {
      warnings.add(unknownModel(servedModel) + "; no tier is predicted and the measured rows' memory fit is not judged");
    }
    List<TierRecommendation> rows = new ArrayList<>();
    Set<String> covered = new LinkedHashSet<>();
    for (TierLadder ladder : measured) {
      rows.add(analyze(ladder, 1.0, false, slos, stats, catalog, model, servedModel, options));
      covered.add(ladder.tierId() + "|" + ladder.dtype());
    }
    Calibration calibration = new Calibration(null, null, Double.NaN, Double.NaN, Double.NaN, false,
        options.predict() ? "undefined, because no tier from a run has a defined sustainable rate to calibrate against"
            : "predictions off");
    if (options.predict() && model == null) {
      calibration = new Calibration(null, null, Double.NaN, Double.NaN, Double.NaN, false,
          "undefined, because " + unknownModel(servedModel) + " (the virtual runs need its architecture)");
    } else if (options.predict()) {
      TierPredictor predictor = new TierPredictor(scenario, options.seed());
      calibration = calibrate(measured, rows, predictor, slos, stats, catalog, model, options);
      if (!calibration.applied()) {
        warnings.add("predicted tiers are NOT calibrated: " + calibration.note());
      }
      double factor = calibration.applied() ? calibration.factor() : 1.0;
      // A run on a CPU tier (the llama.cpp engine) serves a model sized for it: virtual runs of every GPU tier at
      // that model's saturation rates cost many minutes and answer nobody's question; predict only tiers named.
      boolean cpuRun = !measured.isEmpty() && measured.stream().allMatch(l -> catalog.gpu(catalog.tier(l.tierId()).gpuId()).cpu());
      if (cpuRun && options.tiers().isEmpty()) {
        warnings.add("no other tier predicted: the runs measured a CPU tier (" + measured.get(0).tierId() + "); name the tiers to"
            + " predict with --tiers (each costs virtual runs)");
      }
      String dtype = measured.isEmpty() ? options.assumedDtype() : measured.get(0).dtype();
      for (TierSpec tier : catalog.tiers().values()) {
        if (!options.tiers().isEmpty() && !options.tiers().contains(tier.id())) {
          continue;
        }
        if (covered.contains(tier.id() + "|" + dtype)) {
          continue;
        }
        if ((cpuRun || catalog.gpu(tier.gpuId()).cpu()) && !options.tiers().contains(tier.id())) {
          continue; // a CPU tier (llama.cpp's), or any tier after a CPU-tier run, is predicted only when named
        }
        rows.addAll(predictTier(tier, Dtype.parse(dtype), factor, calibration.applied(), predictor, slos, stats, catalog, model,
            options, covered));
      }
    }
    rows = rank(rows);
    TierRecommendation best = rows.stream().filter(r -> r.rank() == 1).findFirst().orElse(null);
    String recommendation = recommendationText(best, options);
    PodResources pod = null;
    if (best != null) {
      pod = podResources(best, samples, catalog, options.sizing(), samplesBasis);
      warnings.addAll(pod.warnings());
      if (pod.fromSamples()) {
        // Host-side CPU and memory follow the request rate and mix, not the GPU, but say where they were taken.
        String where = String.join(", ", measured.stream().map(TierLadder::tierId).distinct().toList());
        warnings.add(String.format(Locale.ROOT, RUN_SAMPLES_WARNING + " taken while the runs offered %s..%s"
                + " req/s on %s%s; the plan runs each replica at %.3g req/s", fmt(minRate(measured)), fmt(maxRate(measured)), where,
            best.basis() == Basis.PREDICTED ? " (not the recommended tier)" : "", best.replicas().perReplicaRate())
            + (pod.modelled() ? "; those samples are the emulator's MODELLED host CPU and memory, not a serving process's" : ""));
      }
    }
    warnings.addAll(rowWarnings(rows));
    String generatedAt = options.generatedAt() != null ? options.generatedAt() : Instant.now().toString();
    LOG.debug("planned {} rows from {} measured ladders", rows.size(), measured.size());
    PlanBasis basis = PlanBasis.of(measured, rows);
    return new PlanResult(generatedAt, basis, scenario.name(), runIds, options.targetQps(), slos, sloSource, options.headroom(),
        catalog.origin(), PriceSource.load(options.catalogDir()), calibration, rows, recommendation, pod, warnings,
        tokenEconomics(rows, measured, options));
  }

  /** J per output token and cost per million output tokens of every row (output tokens per request from the measured ladders). */
  private static List<dev.capkit.planner.capacity.TokenEconomics> tokenEconomics(List<TierRecommendation> rows, List<TierLadder> measured,
      PlanOptions options) {
    double tokens = 0;
    long ok = 0;
    for (TierLadder l : measured) {
      for (LadderPoint p : l.points()) {
        if (!Double.isNaN(p.completionTokens())) {
          tokens += p.completionTokens() * p.ok();
          ok += p.ok();
        }
      }
    }
    double perRequest = ok == 0 ? Double.NaN : tokens / ok;
    dev.capkit.twin.power.GpuPowerCatalog power = dev.capkit.twin.power.GpuPowerCatalog.load(options.catalogDir());
    List<dev.capkit.planner.capacity.TokenEconomics> out = new ArrayList<>();
    for (TierRecommendation r : rows) {
      double sustainable = r.sustainable().defined() ? r.sustainable().rate() : r.sustainable().atLeast();
      out.add(dev.capkit.planner.capacity.TokenEconomics.of(r.tierId(), r.dtype(), r.gpuCount(), r.replicas(), sustainable, perRequest,
          power.find(r.gpu())));
    }
    return out;
  }

  /** The --tiers ids, checked against the catalog. */
  private static void checkTiers(Catalog catalog, PlanOptions options) {
    for (String t : options.tiers()) {
      try {
        catalog.tier(t);
      } catch (CatalogException e) {
        throw new PlanException("--tiers: " + e.getMessage());
      }
    }
  }

  /** Why a served model the catalog does not know gets no memory judgement, and what the catalog would need. */
  static String unknownModel(String served) {
    return "VRAM fit NOT judged: the runs served model '" + served + "', which the catalog does not know (models.json has no entry"
        + " with id or served_model_name '" + served + "'); add one with its architecture (layers, hidden_size, attention_heads,"
        + " kv_heads, head_dim, intermediate_size, vocab_size, tied_embeddings) to judge memory and predict tiers, or pass --catalog DIR";
  }

  private static String recommendationText(TierRecommendation best, PlanOptions options) {
    if (best == null) {
      return "no recommendation: no tier is feasible with a defined replica count and a known price (see each row's reason)";
    }
    String currency = PriceSource.load(options.catalogDir()).currency().split(" ")[0];
    String text = String.format(Locale.ROOT, "%s (%s, %s, %s): %d replicas (%d for %.3g req/s at %.0f%% of %.3g req/s each, +1 for N+1),"
            + " %.2f %s/h, %.3f %s per 1,000 requests",
        best.tierId(), best.gpu(), best.dtype(), best.basis().key(), best.replicas().replicas(), best.replicas().base(),
        options.targetQps(), (1 - options.headroom()) * 100, best.sustainable().defined() ? best.sustainable().rate()
            : best.sustainable().atLeast(), best.replicas().costPerHour(), currency, best.replicas().costPer1000(), currency);
    if (best.basis() == Basis.PREDICTED) {
      text += "; PREDICTED, not measured: confirm with a capacity-sweep on " + best.tierId() + " before buying";
    } else if (best.basis() == Basis.EMULATED) {
      text += "; EMULATED, not measured: capkit's emulator answered these runs with its own model's timing; confirm with a"
          + " capacity-sweep against a real server on " + best.tierId() + " before buying";
    }
    return text;
  }

  private static double minRate(List<TierLadder> ladders) {
    return ladders.stream().flatMap(l -> l.points().stream()).mapToDouble(LadderPoint::rate).min().orElse(Double.NaN);
  }

  private static double maxRate(List<TierLadder> ladders) {
    return ladders.stream().flatMap(l -> l.points().stream()).mapToDouble(LadderPoint::rate).max().orElse(Double.NaN);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }

  /** What the reader must not miss about the rows: noisy or small-sample crossings, replicas sized from a lower bound. */
  private static List<String> rowWarnings(List<TierRecommendation> rows) {
    List<String> warnings = new ArrayList<>();
    for (TierRecommendation r : rows) {
      for (SloCrossing c : r.sustainable().crossings()) {
        // a search's verdicts set its rate; its probes' ladder crossings are kept for reference only
        if (c.note() != null && r.basis().fromRun() && !dev.capkit.planner.search.SearchCrossing.isSearch(r.sustainable())) {
          warnings.add(r.tierId() + " " + c.slo() + ": " + c.note());
        }
      }
      if (!r.sustainable().defined() && !Double.isNaN(r.sustainable().atLeast()) && r.replicas().defined()) {
        warnings.add(String.format(Locale.ROOT, "%s (%s): replicas are sized from a LOWER BOUND (%.3g req/s, no objective crossed);"
            + " the real capacity is higher", r.tierId(), r.basis().key(), r.sustainable().atLeast()));
      }
    }
    return warnings;
  }

  /** Everything derived from one ladder; {@code factor} scales predicted rates (1 for measured). */
  static TierRecommendation analyze(TierLadder ladder, double factor, boolean calibrated, List<SloTarget> slos, Statistics stats, Catalog catalog,
      ModelArchitecture model, PlanOptions options) {
    return analyze(ladder, factor, calibrated, slos, stats, catalog, model, model.id(), options);
  }

  /** As above; {@code model} null when the catalog does not know {@code servedModel} (memory fit then not judged). */
  static TierRecommendation analyze(TierLadder ladder, double factor, boolean calibrated, List<SloTarget> slos, Statistics stats,
      Catalog catalog, ModelArchitecture model, String servedModel, PlanOptions options) {
    TierSpec tier = catalog.tier(ladder.tierId());
    GpuSpec gpu = catalog.gpu(tier.gpuId());
    List<LadderPoint> points = ladder.points();
    SustainableRate raw = SustainableRate.estimate(ladder, slos, stats, options.replicates(), options.seed());
    dev.capkit.planner.search.AgentsPerReplica agents = null;
    if (ladder.search() != null && "agents".equals(ladder.search().unit())) { // an agents search: agents per replica, and the rate they offered
      raw = dev.capkit.planner.search.SearchCrossing.ofAgents(ladder.search(), raw);
      agents = dev.capkit.planner.search.AgentsPerReplica.of(ladder.search(), tier.pricePerHour());
    } else if (ladder.search() != null) { // a capacity search's probes: its answer is the crossing
      raw = dev.capkit.planner.search.SearchCrossing.of(ladder.search(), raw);
    }
    SustainableRate rate = factor == 1.0 ? raw : scale(raw, factor);
    SloTarget kneeMetric = slos.stream().filter(s -> !s.isErrors()).findFirst().orElse(new SloTarget("e2e", 99, Double.NaN));
    double[] x = points.stream().mapToDouble(p -> p.rate() * factor).toArray();
    double[] y = points.stream().mapToDouble(p -> p.value(kneeMetric)).toArray();
    Knee knee = new KneeFinder(options.kneeSensitivity()).find(x, y, kneeMetric.key());
    UslFit usl = stats.fitUsl(points.stream().mapToDouble(LadderPoint::meanInFlight).toArray(),
        points.stream().mapToDouble(p -> p.achievedQps() * factor).toArray());
    double saturated = points.stream().mapToDouble(LadderPoint::achievedQps).max().orElse(Double.NaN) * factor;
    double sizingRate = rate.defined() ? rate.rate() : rate.atLeast();
    ReplicaPlan replicas;
    if (Double.isNaN(sizingRate) || !(sizingRate > 0)) {
      replicas = ReplicaPlan.undefined(options.targetQps(), options.headroom(), tier.pricePerHour(),
          rate.undefinedReason() == null ? "undefined, because the sustainable rate is not positive" : rate.undefinedReason());
    } else {
      SloTarget binding = slos.stream().filter(s -> s.key().equals(rate.binding())).findFirst().orElse(null);
      double quantile = binding == null || binding.isErrors() ? Double.NaN : binding.percentile() / 100;
      double slack = binding == null || binding.isErrors() || points.isEmpty() ? Double.NaN
          : (binding.limit() - points.get(0).value(binding)) / 1000.0;
      replicas = ReplicaPlan.of(options.targetQps(), sizingRate, options.headroom(), saturated, slack, quantile, tier.pricePerHour());
    }
    // KV needed while one replica is down: target / base replicas, at the latency measured at that rate.
    double perReplica = replicas.defined() ? options.targetQps() / replicas.base() : Double.NaN;
    double e2e = interpolateE2e(points, perReplica / factor);
    double tokens = tokensPerRequest(points);
    dev.capkit.twin.catalog.VllmKnobs knobs = (ladder.basis() == Basis.PREDICTED ? options.vllm()
        : dev.capkit.twin.catalog.VllmKnobs.NONE).withTensorParallelSize(tier.gpuCount());
    VramBudget vram = model == null
        ? VramBudget.notJudged(gpu, ladder.dtype(), "undefined, because " + unknownModel(servedModel))
        : VramBudget.of(model, gpu, Dtype.parse(ladder.dtype()), catalog.serving(gpu.id()).with(knobs), perReplica, e2e, tokens);
    double minRate = points.isEmpty() ? Double.NaN : points.get(0).rate() * factor;
    double maxRate = points.isEmpty() ? Double.NaN : points.get(points.size() - 1).rate() * factor;
    return new TierRecommendation(tier.id(), tier.family(), gpu.id(), tier.gpuCount(), gpu.vramGib(), tier.vcpu(), tier.memoryGib(),
        ladder.dtype(), ladder.basis(), ladder.runs(), points.size(), minRate, maxRate, rate, ladder.basis().fromRun() ? 1.0
            : calibrated ? factor : Double.NaN, saturated, knee, usl, vram, replicas, 0, null, agents);
  }

  private static SustainableRate scale(SustainableRate r, double f) {
    List<SloCrossing> crossings = r.crossings().stream().map(c -> new SloCrossing(c.slo(), c.limit(), c.rate() * f, c.low() * f,
        c.high() * f, c.atLeast() * f, c.below() * f, uncalibrated(c.undefinedReason()), c.note())).toList();
    return new SustainableRate(r.rate() * f, r.low() * f, r.high() * f, r.atLeast() * f, r.binding(), crossings, r.replicates(),
        r.method() + "; predicted rates x calibration factor " + String.format(Locale.ROOT, "%.3f", f), uncalibrated(r.undefinedReason()));
  }

  /** What predicted rows rest on when no measured/predicted ratio scales them: the catalog's constants, or a --profile's fit. */
  static String unscaledPredictions(boolean profile, String coefficientsSource) {
    return profile ? "predicted rows are the twin with " + coefficientsSource + " alone"
        : "predicted rows are the twin's catalog constants alone";
  }

  private static String uncalibrated(String reason) {
    return reason == null ? null : reason + " (rates in this sentence are the virtual run's, before calibration)";
  }

  private static Calibration calibrate(List<TierLadder> measured, List<TierRecommendation> measuredRows, TierPredictor predictor,
      List<SloTarget> slos, Statistics stats, Catalog catalog, ModelArchitecture model, PlanOptions options) {
    for (int i = 0; i < measured.size(); i++) {
      TierLadder ladder = measured.get(i);
      SustainableRate m = measuredRows.get(i).sustainable();
      if (!m.defined() || !"open".equals(ladder.loadModel()) || ladder.search() != null) {
        continue; // a search's answer is not an interpolation: replaying its probes as a ladder would compare unlike things
      }
      ServingPlan plan;
      try {
        plan = resolve(catalog, ladder.tierId(), model.id(), Dtype.parse(ladder.dtype()), dev.capkit.twin.catalog.VllmKnobs.NONE, options);
      } catch (ServingRefusedException e) {
        continue;
      }
      // A ladder pooled from many runs is thinned to at most CALIBRATION_STEPS evenly spread steps:
      // the crossing is the same in expectation, and replaying thousands of steps would cost minutes.
      List<LadderPoint> steps = thin(ladder.points(), CALIBRATION_STEPS);
      double[] rates = steps.stream().mapToDouble(LadderPoint::rate).toArray();
      double[] durations = steps.stream().mapToDouble(LadderPoint::durationSeconds).toArray();
      // The same ladder (rates and step lengths, so the same sample sizes) replayed with several
      // arrival seeds; the median damps the luck of one seed on short steps.
      List<Double> predicted = new ArrayList<>();
      String lastReason = null;
      for (int k = 0; k < CALIBRATION_SEEDS; k++) {
        TierPredictor seeded = new TierPredictor(predictor.scenario(), predictor.seed() + k);
        SustainableRate p = SustainableRate.estimate(seeded.predict(plan, rates, durations), slos, stats, options.replicates(),
            options.seed());
        if (p.defined()) {
          predicted.add(p.rate());
        } else {
          lastReason = p.undefinedReason();
        }
      }
      if (predicted.size() * 2 <= CALIBRATION_SEEDS) {
        return new Calibration(ladder.tierId(), ladder.dtype(), m.rate(), Double.NaN, Double.NaN, false,
            "undefined, because the virtual runs of " + ladder.basis().key() + " tier " + ladder.tierId() + " on the same ladder are mostly undefined: "
                + lastReason.replaceFirst("^undefined, because ", ""));
      }
      double p = stats.quantile(predicted.stream().mapToDouble(Double::doubleValue).toArray(), 0.5);
      double factor = m.rate() / p;
      SloCrossing binding = m.crossings().stream().filter(c -> c.slo().equals(m.binding())).findFirst().orElseThrow();
      boolean sound = binding.note() == null || !binding.note().contains("sample maximum");
      String ratio = String.format(Locale.ROOT, "%s %.3g req/s / predicted %.3g req/s (median of %d virtual runs with the %s"
          + " ladder's rates and step lengths%s) on %s %s = %.3f", ladder.basis().key(), m.rate(), p, predicted.size(), ladder.basis().key(),
          steps.size() < ladder.points().size() ? ", " + steps.size() + " of its " + ladder.points().size() + " steps" : "",
          ladder.tierId(), ladder.dtype(), factor);
      String alone = unscaledPredictions(options.profile() != null, plan.coefficients().source());
      if (ladder.basis() == Basis.EMULATED) {
        // The emulator plays the twin's own model in real time: agreement checks capkit's HTTP path against
        // virtual time, it says nothing about a real server. Never apply it as if it were a calibration.
        return new Calibration(ladder.tierId(), ladder.dtype(), m.rate(), p, factor, false, ratio + "; NOT applied: the runs were"
            + " EMULATED (capkit's emulator is the same model as the predictions), so this ratio is a consistency check of the HTTP"
            + " path against virtual time, not a calibration against reality; " + alone);
      }
      if (!sound) {
        return new Calibration(ladder.tierId(), ladder.dtype(), m.rate(), p, factor, false, ratio + "; NOT applied: the measured "
            + m.binding() + " crossing rests on steps with fewer requests than the percentile needs, so the factor would mostly carry"
            + " sampling noise (run the sweep with longer steps); " + alone);
      }
      return new Calibration(ladder.tierId(), ladder.dtype(), m.rate(), p, factor, true, ratio + "; predicted rows are multiplied by it"
          + (Math.abs(factor - 1) > 0.3 ? " (more than 30% off: the twin's coefficients do not describe this server well;"
              + (options.profile() == null ? " fit them to the runs with ./capkit calibrate and plan with --profile)"
                  : " the profile was fitted to a different server or state of it: calibrate again)") : ""));
    }
    return new Calibration(null, null, Double.NaN, Double.NaN, Double.NaN, false,
        "undefined, because no open-loop tier from a run has a defined sustainable rate to calibrate against");
  }

  /**
   * A predicted tier's serving plan: with {@code --profile}, on the profile's GPU (or any GPU when it
   * names none), the profile's coefficients over the catalog's, its scheduler limits under the
   * explicit {@code knobs}, and its answer-length model; the coefficients' source then names the
   * profile and its fit error, and every predicted row quotes it. Other tiers: the catalog's.
   */
  static ServingPlan resolve(Catalog catalog, String tierId, String modelId, Dtype dtype,
      dev.capkit.twin.catalog.VllmKnobs knobs, PlanOptions options) throws ServingRefusedException {
    if (options.profile() == null) {
      return ServingPlan.resolve(catalog, tierId, modelId, dtype, knobs, null);
    }
    dev.capkit.twin.catalog.CalibrationProfile profile;
    try {
      profile = dev.capkit.twin.catalog.CalibrationProfile.read(options.profile());
    } catch (dev.capkit.twin.catalog.CatalogException e) {
      throw new PlanException("--profile: " + e.getMessage(), e);
    }
    String gpu;
    try {
      gpu = catalog.tier(tierId).gpuId();
    } catch (dev.capkit.twin.catalog.CatalogException e) {
      throw new ServingRefusedException(e.getMessage(), e);
    }
    if (profile.gpu() != null && !profile.gpu().equals(gpu)) {
      return ServingPlan.resolve(catalog, tierId, modelId, dtype, knobs, null);
    }
    ServingPlan plan = ServingPlan.resolve(catalog, tierId, modelId, dtype, profile.servingKnobs().overriddenBy(knobs),
        profile.applyTo(catalog.coefficients(gpu), gpu));
    return plan.withAnswers(profile.answersOr(plan.answers()));
  }

  private static List<TierRecommendation> predictTier(TierSpec tier, Dtype dtype, double factor, boolean calibrated,
      TierPredictor predictor, List<SloTarget> slos, Statistics stats, Catalog catalog, ModelArchitecture model, PlanOptions options,
      Set<String> covered) {
    List<TierRecommendation> out = new ArrayList<>();
    try {
      ServingPlan plan = resolve(catalog, tier.id(), model.id(), dtype, options.vllm(), options);
      out.add(predicted(plan, predictor, factor, calibrated, slos, stats, catalog, model, options));
      return out;
    } catch (ServingRefusedException refused) {
      out.add(infeasible(tier, dtype, catalog, model, options));
    }
    if (options.alternativeDtypes()) {
      for (Dtype alt : Dtype.values()) {
        if (alt == dtype || covered.contains(tier.id() + "|" + alt.key())) {
          continue;
        }
        try {
          ServingPlan plan = resolve(catalog, tier.id(), model.id(), alt, options.vllm(), options);
          out.add(predicted(plan, predictor, factor, calibrated, slos, stats, catalog, model, options));
          break; // the first dtype that fits (bf16, fp8, int4: least quantized first)
        } catch (ServingRefusedException e) {
          // try the next, more quantized dtype
        }
      }
    }
    return out;
  }

  /**
   * A predicted row; when an objective is already crossed at the ladder's first step (a slow tier
   * whose idle latency is near the limit), the ladder is moved 8x lower once before giving up.
   */
  private static TierRecommendation predicted(ServingPlan plan, TierPredictor predictor, double factor, boolean calibrated,
      List<SloTarget> slos, Statistics stats, Catalog catalog, ModelArchitecture model, PlanOptions options) {
    double f = calibrated ? factor : 1.0;
    TierRecommendation row = analyze(predictor.predictAroundSaturation(plan), f, calibrated, slos, stats, catalog, model, options);
    boolean firstStep = row.sustainable().crossings().stream().anyMatch(c -> !Double.isNaN(c.below()));
    if (!firstStep) {
      return row;
    }
    TierRecommendation lower = analyze(predictor.predictAroundSaturation(plan, 64), f, calibrated, slos, stats, catalog, model, options);
    return lower.sustainable().defined() ? lower : row;
  }

  private static TierRecommendation infeasible(TierSpec tier, Dtype dtype, Catalog catalog, ModelArchitecture model, PlanOptions options) {
    GpuSpec gpu = catalog.gpu(tier.gpuId());
    VramBudget vram = VramBudget.of(model, gpu, dtype,
        catalog.serving(gpu.id()).with(options.vllm().withTensorParallelSize(tier.gpuCount())), Double.NaN, Double.NaN, Double.NaN);
    String reason = "undefined, because " + dtype.key() + " does not fit: " + vram.reason();
    SustainableRate none = new SustainableRate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, List.of(), 0,
        SustainableRate.METHOD, reason);
    return new TierRecommendation(tier.id(), tier.family(), gpu.id(), tier.gpuCount(), gpu.vramGib(), tier.vcpu(), tier.memoryGib(),
        dtype.key(), Basis.PREDICTED, List.of("catalog + KvCacheBudget (no run: vLLM would refuse to start)"), 0, Double.NaN,
        Double.NaN, none, Double.NaN, Double.NaN, new Knee(Double.NaN, Double.NaN, "", options.kneeSensitivity(), reason),
        UslFit.undefined(0, reason), vram, ReplicaPlan.undefined(options.targetQps(), options.headroom(), tier.pricePerHour(), reason),
        0, null);
  }

  private static List<TierRecommendation> rank(List<TierRecommendation> rows) {
    List<TierRecommendation> candidates = new ArrayList<>();
    List<TierRecommendation> out = new ArrayList<>();
    for (TierRecommendation r : rows) {
      String why = !r.vram().judged() ? r.vram().reason()
          : !r.feasible() ? "infeasible: " + r.vram().reason()
          : !r.replicas().defined() ? r.replicas().undefinedReason()
          : Double.isNaN(r.replicas().costPerHour()) ? "price unknown (tiers.json price_per_hour is null)"
          : null;
      if (why == null) {
        candidates.add(r);
      } else {
        out.add(r.ranked(0, why));
      }
    }
    candidates.sort(Comparator.comparingDouble((TierRecommendation r) -> r.replicas().costPerHour())
        .thenComparing(r -> r.basis().ordinal())
        .thenComparing(r -> -r.sustainable().rate()));
    List<TierRecommendation> ranked = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      ranked.add(candidates.get(i).ranked(i + 1, null));
    }
    ranked.addAll(out);
    return ranked;
  }

  /** Server samples of emulated runs are the emulator's modelled host CPU/RSS, not a serving process's. */
  private static String samplesBasis(List<TierLadder> ladders) {
    return ladders.stream().anyMatch(l -> l.basis() == Basis.EMULATED) ? PodResources.MODELLED : PodResources.MEASURED;
  }

  private static PodResources podResources(TierRecommendation best, List<ServerSample> samples, Catalog catalog, SizingSettings sizing,
      String samplesBasis) {
    ResourceSeries series = ResourceSeries.of(samples);
    List<ContainerSizing> results = new ArrayList<>();
    if (!samples.isEmpty()) {
      for (String name : SizingSettings.STRATEGIES) {
        results.add(sizing.strategy(name).recommend(series, sizing));
      }
    }
    return PodResources.of(results, sizing, best.gpuCount(), best.vcpu(), best.memoryGib(), best.vram().weightsGib(),
        catalog.serving().host().baseRssGib(), samplesBasis);
  }

  static List<LadderPoint> thin(List<LadderPoint> points, int max) {
    if (points.size() <= max) {
      return points;
    }
    List<LadderPoint> out = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      out.add(points.get((int) Math.round(i * (points.size() - 1) / (double) (max - 1))));
    }
    return out;
  }

  /** Mean E2E (s) at {@code rate}, linear between ladder points, clamped to the ends. */
  static double interpolateE2e(List<LadderPoint> points, double rate) {
    if (points.isEmpty() || Double.isNaN(rate)) {
      return Double.NaN;
    }
    if (rate <= points.get(0).rate()) {
      return points.get(0).meanE2eSeconds();
    }
    for (int i = 1; i < points.size(); i++) {
      LadderPoint a = points.get(i - 1);
      LadderPoint b = points.get(i);
      if (rate <= b.rate()) {
        double w = (rate - a.rate()) / (b.rate() - a.rate());
        return a.meanE2eSeconds() + w * (b.meanE2eSeconds() - a.meanE2eSeconds());
      }
    }
    return points.get(points.size() - 1).meanE2eSeconds();
  }

  /** Mean prompt + completion tokens per successful request over the ladder. */
  static double tokensPerRequest(List<LadderPoint> points) {
    double tokens = 0;
    long ok = 0;
    for (LadderPoint p : points) {
      if (!Double.isNaN(p.tokensPerRequest())) {
        tokens += p.tokensPerRequest() * p.ok();
        ok += p.ok();
      }
    }
    return ok == 0 ? Double.NaN : tokens / ok;
  }
}
