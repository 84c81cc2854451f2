package dev.capkit.distributed;

import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.ScenarioInfo;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Decides whether injector runs are shares of one run: same scenario (name, seed, load model,
 * arrivals, planned steps, mix, objectives) and overlapping wall-clock times. Pure checks over
 * manifests; the first difference found is thrown with both run folders, the field and the values.
 */
final class RunCompatibility {
  private RunCompatibility() {}

  static void check(List<RunReader.Run> runs) throws MergeRefusedException {
    RunReader.Run first = runs.get(0);
    if (first.manifest().scenario() == null) {
      throw new MergeRefusedException(first.folder() + ": run.json has no 'scenario'; cannot tell what it measured");
    }
    for (RunReader.Run other : runs.subList(1, runs.size())) {
      if (other.manifest().scenario() == null) {
        throw new MergeRefusedException(other.folder() + ": run.json has no 'scenario'; cannot tell what it measured");
      }
      same(first, other, "scenario.name", ScenarioInfo::name);
      same(first, other, "scenario.seed", ScenarioInfo::seed);
      same(first, other, "scenario.loadModel", ScenarioInfo::loadModel);
      same(first, other, "scenario.arrivals", ScenarioInfo::arrivals);
      same(first, other, "scenario.thinkTime", ScenarioInfo::thinkTime);
      same(first, other, "scenario.plannedSteps", ScenarioInfo::plannedSteps);
      same(first, other, "scenario.mix", ScenarioInfo::mix);
      same(first, other, "scenario.slo", ScenarioInfo::slo);
      same(first, other, "scenario.maxErrorRate", ScenarioInfo::maxErrorRate);
      same(first, other, "histogramUnit", first.manifest().histogramUnit(), other.manifest().histogramUnit());
    }
    overlapping(runs);
  }

  private static void same(RunReader.Run a, RunReader.Run b, String field, Function<ScenarioInfo, Object> get)
      throws MergeRefusedException {
    same(a, b, field, get.apply(a.manifest().scenario()), get.apply(b.manifest().scenario()));
  }

  private static void same(RunReader.Run a, RunReader.Run b, String field, Object va, Object vb)
      throws MergeRefusedException {
    if (!Objects.equals(va, vb)) {
      throw new MergeRefusedException("runs " + a.folder() + " and " + b.folder() + " differ in '" + field + "' ("
          + va + " vs " + vb + "): they are not shares of the same scenario");
    }
  }

  /** Every pair of runs must share some wall-clock time: the latest start precedes the earliest end. */
  private static void overlapping(List<RunReader.Run> runs) throws MergeRefusedException {
    RunReader.Run latestStart = null;
    RunReader.Run earliestEnd = null;
    for (RunReader.Run r : runs) {
      if (latestStart == null || start(r).isAfter(start(latestStart))) latestStart = r;
      if (earliestEnd == null || end(r).isBefore(end(earliestEnd))) earliestEnd = r;
    }
    if (!start(latestStart).isBefore(end(earliestEnd))) {
      throw new MergeRefusedException("runs " + earliestEnd.folder() + " (endedAt " + end(earliestEnd) + ") and "
          + latestStart.folder() + " (startedAt " + start(latestStart) + ") do not overlap in time: "
          + "injectors of one run start together (-Dcapkit.startAt)");
    }
  }

  static Instant start(RunReader.Run r) throws MergeRefusedException {
    return instant(r, "startedAt", r.manifest().startedAt());
  }

  /** A run still running (no endedAt) counts as ending at its last finished step's end, or now. */
  static Instant end(RunReader.Run r) throws MergeRefusedException {
    if (r.manifest().endedAt() != null) {
      return instant(r, "endedAt", r.manifest().endedAt());
    }
    if (!r.steps().isEmpty() && r.steps().get(r.steps().size() - 1).endedAt() != null) {
      return instant(r, "steps[-1].endedAt", r.steps().get(r.steps().size() - 1).endedAt());
    }
    return Instant.now();
  }

  private static Instant instant(RunReader.Run r, String field, String value) throws MergeRefusedException {
    try {
      return Instant.parse(value);
    } catch (RuntimeException e) {
      throw new MergeRefusedException(r.folder().resolve("run.json") + ": field '" + field + "' is '" + value
          + "', not an ISO-8601 instant");
    }
  }
}
