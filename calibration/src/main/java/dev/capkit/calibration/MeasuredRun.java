package dev.capkit.calibration;

import java.nio.file.Path;
import java.util.List;

/**
 * A measured run folder as calibration uses it: the target it stood for, its usable open-loop
 * steps and, when the run kept {@code requests.jsonl}, every measured request to replay exactly.
 *
 * @param tier          {@code target.tier} of run.json (the catalog tier the measurement stands for)
 * @param model         {@code target.model}
 * @param warmupSeconds load sent before the first step at its rate and not recorded
 * @param requests      successful requests from {@code requests.jsonl} with their intended send
 *                      times; empty when the run has no request log (the replay then draws Poisson
 *                      arrivals at each step's offered rate with the kinds' mean token counts)
 * @param skipped       steps left out and why (closed loop, nothing succeeded)
 */
public record MeasuredRun(
    Path folder, String runId, String tier, String model, double warmupSeconds, List<MeasuredStep> steps,
    List<ReplayRequest> requests, List<String> skipped) {

  public MeasuredRun {
    steps = List.copyOf(steps);
    requests = List.copyOf(requests);
    skipped = List.copyOf(skipped);
  }

  /** Short name for tables: the folder's name. */
  public String name() {
    return folder.getFileName().toString();
  }

  /** How the replay sends this run's load again. */
  public String replaySource() {
    return requests.isEmpty()
        ? "Poisson arrivals at each step's offered rate, kinds' mean prompt/completion tokens (no requests.jsonl)"
        : requests.size() + " requests from requests.jsonl at their intended send times with their own token counts";
  }
}
