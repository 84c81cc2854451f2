package dev.capkit.planner;

import java.nio.file.Path;
import java.util.List;

/**
 * What a plan is asked for. Every field has a default ({@link #defaults(double)}); the command line
 * maps its flags onto the {@code with...} methods.
 *
 * <pre>{@code
 * PlanOptions o = PlanOptions.defaults(20).withSlos(SloTarget.parseList("e2e.p99=8s,errors=0.1%")).withHeadroom(0.3);
 * }</pre>
 *
 * @param targetQps        the load to plan for, requests/s over the whole fleet
 * @param slos             objectives; empty = the measured scenario's own
 * @param headroom         share of the sustainable rate kept free on each replica (0.3 = run at 70%)
 * @param assumedDtype     dtype of measured remote targets (runs against the emulator record their own)
 * @param catalogDir       catalog directory, null = the shipped catalog
 * @param predict          predict catalog tiers nobody measured with the emulator's virtual-time engine
 * @param tiers            predict only these catalog tiers (empty = every one); measured tiers are always planned
 * @param alternativeDtypes for a tier that does not fit in the planned dtype, also plan the dtype that fits
 * @param replicates       bootstrap replicates for confidence intervals
 * @param seed             seeds the bootstrap and the virtual runs
 * @param kneeSensitivity  Kneedle's S
 * @param sizing           container-sizing strategy settings
 * @param generatedAt      timestamp written into plan.json (null = now); fixed in golden tests
 * @param allowFaultHooks  plan runs against the emulator with fault hooks on (slowdown, brokenStreams); refused by default
 * @param profile          calibration profile (from {@code capkit calibrate}) the predicted rows use; null = the catalog's constants
 * @param vllm             vLLM flags for predicted tiers (--vllm gpu_memory_utilization=0.95,max_model_len=17408); NONE = catalog's
 */
public record PlanOptions(double targetQps, List<SloTarget> slos, double headroom, String assumedDtype, Path catalogDir,
    boolean predict, List<String> tiers, boolean alternativeDtypes, int replicates, long seed, double kneeSensitivity,
    dev.capkit.planner.sizing.SizingSettings sizing, String generatedAt, boolean allowFaultHooks, Path profile,
    dev.capkit.twin.catalog.VllmKnobs vllm) {

  public PlanOptions {
    slos = List.copyOf(slos);
    tiers = List.copyOf(tiers);
    if (!(targetQps > 0) || Double.isInfinite(targetQps)) {
      throw new PlanException("--target-qps: expected a number > 0, got " + targetQps);
    }
    if (!(headroom >= 0 && headroom < 1)) {
      throw new PlanException("--headroom: expected a share in [0, 1), got " + headroom);
    }
    if (replicates < 100) {
      throw new PlanException("replicates: expected at least 100 bootstrap replicates for a 95% interval, got " + replicates);
    }
  }

  public static PlanOptions defaults(double targetQps) {
    return new PlanOptions(targetQps, List.of(), 0.3, "bf16", null, true, List.of(), true, 1000, 42, 1.0,
        dev.capkit.planner.sizing.SizingSettings.defaults(), null, false, null, dev.capkit.twin.catalog.VllmKnobs.NONE);
  }

  public PlanOptions withSlos(List<SloTarget> v) {
    return new PlanOptions(targetQps, v, headroom, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withHeadroom(double v) {
    return new PlanOptions(targetQps, slos, v, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withAssumedDtype(String v) {
    return new PlanOptions(targetQps, slos, headroom, v, catalogDir, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withCatalogDir(Path v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, v, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withPredict(boolean v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, v, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withTiers(List<String> v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, v, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withAlternativeDtypes(boolean v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, tiers, v, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withReplicates(int v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, v, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withSeed(long v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, replicates, v,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withSizing(dev.capkit.planner.sizing.SizingSettings v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, v, generatedAt, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withGeneratedAt(String v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, v, allowFaultHooks, profile, vllm);
  }

  public PlanOptions withAllowFaultHooks(boolean v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, v, profile, vllm);
  }

  public PlanOptions withProfile(Path v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, v, vllm);
  }

  public PlanOptions withVllm(dev.capkit.twin.catalog.VllmKnobs v) {
    return new PlanOptions(targetQps, slos, headroom, assumedDtype, catalogDir, predict, tiers, alternativeDtypes, replicates, seed,
        kneeSensitivity, sizing, generatedAt, allowFaultHooks, profile, v);
  }
}
