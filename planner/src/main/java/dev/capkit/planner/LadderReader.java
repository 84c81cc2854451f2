package dev.capkit.planner;

import dev.capkit.core.results.KindSummary;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.CorruptFileException;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.CatalogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.capkit.planner.capacity.LatencyQuantiles;

/**
 * Reads run folders (results format v1) into one {@link TierLadder} per measured tier and dtype.
 * Refuses, with the file, field and value named, what it cannot plan from: a folder without
 * {@code run.json}, a run without a tier label, a tier the catalog does not know, runs of different
 * scenarios. Partial runs are used for their finished steps, with a warning in the plan.
 *
 * <pre>{@code
 * LadderReader.Result r = LadderReader.read(List.of(Path.of("runs/capacity-sweep-1")), catalog, "bf16");
 * r.ladders();  r.warnings();  r.scenario();
 * }</pre>
 */
public final class LadderReader {
  /** The tier a run against a remote target records when no {@code -Dcapkit.tier} was given. */
  static final String UNLABELLED = "unlabelled";

  private LadderReader() {}

  /** What the runs hold: ladders per tier, the (single) scenario, warnings for the plan. */
  public record Result(List<TierLadder> ladders, List<RunReader.Run> runs, List<String> warnings) {}

  public static Result read(List<Path> folders, Catalog catalog, String assumedDtype) {
    return read(folders, catalog, assumedDtype, List.of());
  }

  /**
   * A capacity search's record ({@code search.json}) of the run, kept for its tier; with several
   * search runs of one tier the last one answers (each search's interval stands alone), with a warning.
   */
  private static void search(RunReader.Run run, String key, Map<String, dev.capkit.core.search.SearchLog> searches,
      List<String> warnings) {
    java.util.Optional<dev.capkit.core.search.SearchLog> log;
    try {
      log = dev.capkit.core.search.SearchLogReader.readIfPresent(dev.capkit.core.results.RunLayout.of(run.folder()).searchLog());
    } catch (IOException e) {
      throw new PlanException("refusing to plan from a capacity search whose record is damaged: " + e.getMessage(), e);
    }
    if (log.isEmpty()) {
      return;
    }
    if (searches.put(key, log.get()) != null) {
      warnings.add("several capacity searches of tier " + key.split("\\|")[0] + ": the sustainable rate is the last one's ("
          + run.manifest().runId() + "); the others' probes still count as ladder points");
    }
  }

  /**
   * Reads only the latency logs the objectives need (plus E2E, for the knee): each interval line
   * decodes into a full-range HdrHistogram, so skipping unneeded metrics saves most of the work.
   *
   * @param slos the plan's objectives; empty = the first run's scenario objectives
   */
  public static Result read(List<Path> folders, Catalog catalog, String assumedDtype, List<SloTarget> slos) {
    return read(folders, catalog, assumedDtype, slos, false);
  }

  /**
   * As {@link #read(List, Catalog, String, List)}; runs against the emulator with fault hooks on
   * (slowdown, brokenStreams) are refused unless {@code allowFaultHooks}, and then planned with a warning.
   */
  public static Result read(List<Path> folders, Catalog catalog, String assumedDtype, List<SloTarget> slos, boolean allowFaultHooks) {
    if (folders.isEmpty()) {
      throw new PlanException("no run folder given (usage: capkit plan <run folder>... --target-qps N)");
    }
    List<String> warnings = new ArrayList<>();
    List<RunReader.Run> runs = new ArrayList<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        throw new PlanException(folder + ": run folder does not exist");
      }
      RunReader.Run run;
      try {
        run = RunReader.read(folder);
      } catch (IOException e) {
        throw new PlanException(e.getMessage(), e);
      } catch (RuntimeException e) { // Jackson mapping errors of a corrupt run.json
        throw new PlanException(folder.resolve("run.json") + ": unreadable: " + e.getMessage(), e);
      }
      check(run, runs, catalog, warnings);
      checkFaultHooks(run, allowFaultHooks, warnings);
      runs.add(run);
    }
    List<SloTarget> objectives = slos.isEmpty() ? SloTarget.fromScenario(runs.get(0).manifest().scenario(), "run.json") : slos;
    java.util.Set<String> metrics = new java.util.HashSet<>(List.of("e2e"));
    objectives.stream().filter(o -> !o.isErrors()).forEach(o -> metrics.add(o.metric()));
    String network = network(runs, warnings);
    Map<String, Map<Double, List<LadderPoint>>> byTier = new LinkedHashMap<>();
    Map<String, List<String>> runIds = new LinkedHashMap<>();
    Map<String, String> loadModels = new HashMap<>();
    Map<String, dev.capkit.core.search.SearchLog> searches = new HashMap<>();
    for (RunReader.Run run : runs) {
      String dtype = dtypeOf(run, assumedDtype, warnings);
      String key = run.manifest().target().tier() + "|" + dtype + "|" + Basis.of(run.manifest().target()).name();
      boolean open = !"closed".equals(run.manifest().scenario().loadModel());
      loadModels.put(key, open ? "open" : "closed");
      runIds.computeIfAbsent(key, k -> new ArrayList<>()).add(run.manifest().runId());
      search(run, key, searches, warnings);
      for (StepSummary step : run.steps()) {
        if (!network.equals(step.network() == null ? "none" : step.network())) {
          continue;
        }
        LadderPoint p = point(run, step, open, metrics);
        byTier.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(p.rate(), r -> new ArrayList<>()).add(p);
      }
    }
    List<TierLadder> ladders = new ArrayList<>();
    for (var e : byTier.entrySet()) {
      String[] parts = e.getKey().split("\\|");
      List<LadderPoint> points = new ArrayList<>();
      for (List<LadderPoint> same : e.getValue().values()) {
        points.add(same.size() == 1 ? same.get(0) : merge(same));
      }
      ladders.add(new TierLadder(parts[0], parts[1], Basis.valueOf(parts[2]), loadModels.get(e.getKey()), runIds.get(e.getKey()),
          points, searches.get(e.getKey())));
    }
    return new Result(ladders, runs, warnings);
  }

  /**
   * Capacity is planned under one network profile: {@code none} (direct) when any step has it, else
   * the first step's. Steps under other profiles measure the network's effect, not the server's, and
   * would otherwise be pooled with direct steps of the same rate.
   */
  private static String network(List<RunReader.Run> runs, List<String> warnings) {
    java.util.Set<String> all = new java.util.LinkedHashSet<>();
    runs.forEach(r -> r.steps().forEach(s -> all.add(s.network() == null ? "none" : s.network())));
    String chosen = all.contains("none") ? "none" : all.iterator().next();
    if (all.size() > 1) {
      all.remove(chosen);
      warnings.add("planned from the steps under network profile '" + chosen + "'; steps under " + String.join(", ", all)
          + " were left out (they measure the network, not the server's capacity)");
    }
    return chosen;
  }

  private static void check(RunReader.Run run, List<RunReader.Run> earlier, Catalog catalog, List<String> warnings) {
    Path file = run.folder().resolve("run.json");
    var m = run.manifest();
    if (m.scenario() == null) {
      throw new PlanException(file + ": field 'scenario' is missing");
    }
    if (m.target() == null || m.target().tier() == null || m.target().tier().isBlank()) {
      throw new PlanException(file + ": field 'target.tier' is empty: the planner needs to know which tier was measured"
          + " (re-run with -Dcapkit.tier=<id>)");
    }
    if (UNLABELLED.equals(m.target().tier()) && !catalog.tiers().containsKey(UNLABELLED)) {
      throw new PlanException(file + ": field 'target.tier' is '" + UNLABELLED + "': the run was not told which tier it measured;"
          + " re-run with -Dcapkit.tier=<id> (tiers.json knows: " + String.join(", ", catalog.tiers().keySet()) + ")");
    }
    try {
      catalog.tier(m.target().tier());
    } catch (CatalogException e) {
      throw new PlanException(file + ": field 'target.tier': " + e.getMessage());
    }
    Map<String, String> emu = m.target().emulator();
    if (emu != null && "instant".equals(emu.get("profile"))) {
      throw new PlanException(file + ": field 'target.emulator.profile' is 'instant': that emulator answers without"
          + " modelled GPU time, so the run measures capkit's load path, not tier " + m.target().tier()
          + "; plan from runs against a real endpoint or the emulator's physics profile");
    }
    if (!earlier.isEmpty()) {
      RunReader.Run first = earlier.get(0);
      String a = first.manifest().scenario().name();
      if (!a.equals(m.scenario().name())) {
        throw new PlanException(file + ": field 'scenario.name' is '" + m.scenario().name() + "' but "
            + first.folder().resolve("run.json") + " has '" + a + "': plan runs of one scenario at a time");
      }
      if (!first.manifest().scenario().loadModel().equals(m.scenario().loadModel())) {
        throw new PlanException(file + ": field 'scenario.loadModel' is '" + m.scenario().loadModel() + "' but earlier runs are '"
            + first.manifest().scenario().loadModel() + "'");
      }
    }
    if (m.steps().isEmpty()) {
      throw new PlanException(file + ": field 'steps' is empty: the run finished no step (status '" + m.status() + "')");
    }
    if (run.partial()) {
      warnings.add(String.format("run %s is partial (status '%s'): planned from its %d finished step(s); unfinished: %s",
          m.runId(), m.status(), m.steps().size(), run.unfinishedSteps().isEmpty() ? "none listed" : String.join(", ", run.unfinishedSteps())));
    }
    if ("closed".equals(m.scenario().loadModel())) {
      warnings.add("run " + m.runId() + " is closed-loop: its ladder is placed on achieved QPS, which a saturated server caps;"
          + " an open-loop capacity sweep places SLO crossings more reliably");
    }
    for (String note : m.notes() == null ? List.<String>of() : m.notes()) {
      warnings.add("run " + m.runId() + " note: " + note);
    }
  }

  /** Fault hooks make the emulator deliberately worse than its model: such a run tests a gate, it does not describe a tier. */
  private static void checkFaultHooks(RunReader.Run run, boolean allow, List<String> warnings) {
    String hooks = run.manifest().target().faultHooks();
    if (hooks.isEmpty()) {
      return;
    }
    if (!allow) {
      throw new PlanException(run.folder().resolve("run.json") + ": field 'target.emulator' has fault hooks on (" + hooks
          + "): the emulator was made slower or cut streams on purpose, so the run describes no tier; plan from a run without"
          + " -Dcapkit.slowdown/-Dcapkit.brokenStreams, or pass --allow-fault-hooks to plan it anyway");
    }
    warnings.add("run " + run.manifest().runId() + " had emulator fault hooks on (" + hooks + "), planned because of"
        + " --allow-fault-hooks: its rows describe a deliberately degraded emulator, not a tier");
  }

  private static String dtypeOf(RunReader.Run run, String assumed, List<String> warnings) {
    Map<String, String> emu = run.manifest().target().emulator();
    if (emu != null && emu.get("dtype") != null) {
      return emu.get("dtype");
    }
    warnings.add("run " + run.manifest().runId() + " does not record the served dtype (remote target): assumed " + assumed
        + " (set with --dtype)");
    return assumed;
  }

  private static LadderPoint point(RunReader.Run run, StepSummary step, boolean open, java.util.Set<String> metrics) {
    Map<String, LatencyQuantiles> latency = new LinkedHashMap<>();
    for (String m : List.of("e2e", "ttft", "tpot", "itl")) {
      if (metrics.contains(m)) {
        latency.put(m, histogram(run, step, Metric.judging(m, open)));
      }
    }
    long prompt = 0;
    long completion = 0;
    for (KindSummary k : step.kinds().values()) {
      prompt += k.promptTokens();
      completion += k.completionTokens();
    }
    double e2eMean = step.metric(Metric.E2E).mean() / 1000.0;
    return new LadderPoint(run.manifest().runId() + "/" + step.id(), step.offered(), open ? step.offered() : step.achievedQps(),
        step.achievedQps(), step.durationSeconds(), step.sent(), step.ok(), step.errorRate(), step.meanInFlight(), e2eMean,
        step.ok() == 0 || prompt == 0 ? Double.NaN : (double) prompt / step.ok(),
        step.ok() == 0 || completion == 0 ? Double.NaN : (double) completion / step.ok(), latency);
  }

  private static LatencyQuantiles histogram(RunReader.Run run, StepSummary step, Metric metric) {
    Path file = dev.capkit.core.results.RunLayout.of(run.folder()).hlog(step.id(), metric);
    try {
      HlogQuantiles.Decoded d = HlogQuantiles.decode(file);
      if (Files.exists(file) || step.metric(metric).count() > 0) {
        RunReader.crossCheckCounts(file, step, metric, d.byKind());
      }
      return d.quantiles();
    } catch (CorruptFileException e) {
      throw new PlanException("refusing to plan on a corrupt run: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new PlanException(file + ": " + e.getMessage(), e);
    }
  }

  /** Steps of several runs at the same rate: one point with their requests pooled. */
  static LadderPoint merge(List<LadderPoint> same) {
    long sent = 0;
    long ok = 0;
    double duration = 0;
    double achieved = 0;
    double inFlight = 0;
    double e2e = 0;
    double prompt = 0;
    double completion = 0;
    double errors = 0;
    Map<String, List<LatencyQuantiles>> latency = new LinkedHashMap<>();
    List<String> sources = new ArrayList<>();
    for (LadderPoint p : same) {
      sources.add(p.source());
      sent += p.sent();
      ok += p.ok();
      duration += p.durationSeconds();
      achieved += p.achievedQps() * p.durationSeconds();
      inFlight += p.meanInFlight() * p.durationSeconds();
      e2e += p.meanE2eSeconds() * p.ok();
      prompt += p.promptTokens() * p.ok();
      completion += p.completionTokens() * p.ok();
      errors += p.errorRate() * p.sent();
      for (var h : p.latency().entrySet()) {
        latency.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
      }
    }
    LadderPoint first = same.get(0);
    return new LadderPoint(String.join("+", sources), first.offered(), first.rate(), achieved / duration, duration, sent, ok,
        sent == 0 ? 0 : errors / sent, inFlight / duration, ok == 0 ? Double.NaN : e2e / ok,
        ok == 0 ? Double.NaN : prompt / ok, ok == 0 ? Double.NaN : completion / ok, merged(latency));
  }

  private static Map<String, LatencyQuantiles> merged(Map<String, List<LatencyQuantiles>> parts) {
    Map<String, LatencyQuantiles> out = new LinkedHashMap<>();
    parts.forEach((k, v) -> out.put(k, LatencyQuantiles.merge(v)));
    return out;
  }
}
