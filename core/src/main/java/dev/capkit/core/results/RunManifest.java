package dev.capkit.core.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code run.json}; see {@link RunReader} for the specification of the run folder.
 *
 * @param capkitResults format version, {@value RunReader#FORMAT_VERSION}
 * @param status        {@code running} (being written or killed), {@code complete} or {@code failed}
 * @param steps         summaries of finished steps only, in order
 * @param notes         warnings a reader must see (e.g. a network profile that was recorded but not applied)
 */
public record RunManifest(
    int capkitResults,
    String status,
    String runId,
    ScenarioInfo scenario,
    TargetInfo target,
    Map<String, String> software,
    String histogramUnit,
    String startedAt,
    String endedAt,
    List<StepSummary> steps,
    List<String> notes,
    String gatlingReport) {

  public static final String RUNNING = "running";
  public static final String COMPLETE = "complete";
  public static final String FAILED = "failed";

  public RunManifest withSteps(List<StepSummary> newSteps) {
    return new RunManifest(capkitResults, status, runId, scenario, target, software, histogramUnit, startedAt, endedAt,
        List.copyOf(newSteps), notes, gatlingReport);
  }

  public RunManifest withScenario(ScenarioInfo newScenario) {
    return new RunManifest(capkitResults, status, runId, newScenario, target, software, histogramUnit, startedAt, endedAt,
        steps, notes, gatlingReport);
  }

  /** With {@code software[key] = value} (e.g. a figure known only at the end, such as scheduling changes). */
  public RunManifest withSoftware(String key, String value) {
    Map<String, String> s = new LinkedHashMap<>(software == null ? Map.of() : software);
    s.put(key, value);
    return new RunManifest(capkitResults, status, runId, scenario, target, Collections.unmodifiableMap(s),
        histogramUnit, startedAt, endedAt, steps, notes, gatlingReport);
  }

  public RunManifest finished(String newStatus, String newEndedAt, String report) {
    return new RunManifest(capkitResults, newStatus, runId, scenario, target, software, histogramUnit, startedAt,
        newEndedAt, steps, notes, report);
  }
}
