package dev.capkit.core.search;

import java.util.List;
import java.util.Map;

/**
 * A capacity search as recorded in a run folder's {@code search.json} (format specified in
 * {@link SearchLogReader}): what it asked, every probe (each one a step of run.json) and the answer.
 *
 * @param unit       {@code qps} (open loop: offered req/s) or {@code agents} (closed loop)
 * @param basis      what answered the probes: {@code measured}, {@code emulated} or {@code predicted}
 * @param objectives per objective key, the allowed violating share
 * @param probes     every probe in order
 * @param answer     the interval and why the search stopped; null while it runs
 * @param agents     closed loop: the agents' tasks and task objectives; null for open loop (and in format v1)
 */
public record SearchLog(String unit, String basis, Settings settings, Map<String, Double> objectives, List<Probe> probes,
    Answer answer, Agents agents) {

  public SearchLog {
    objectives = Map.copyOf(objectives);
    probes = List.copyOf(probes);
  }

  /** An open-loop search (no agents). */
  public SearchLog(String unit, String basis, Settings settings, Map<String, Double> objectives, List<Probe> probes,
      Answer answer) {
    this(unit, basis, settings, objectives, probes, answer, null);
  }

  /**
   * What a closed-loop search's agents do.
   *
   * @param stepsPerTask   model calls per task
   * @param thinkSeconds   wait after each answer before the next step
   * @param taskObjectives the task objectives as written, e.g. {@code task.p95 < 90s}
   */
  public record Agents(int stepsPerTask, double thinkSeconds, List<String> taskObjectives) {
    public Agents {
      taskObjectives = List.copyOf(taskObjectives);
    }
  }

  /**
   * The tasks of a closed-loop probe: those started in its window that finished ({@link TaskTally}).
   *
   * @param finished         tasks started in the window that finished
   * @param windowSeconds    the window they were started in (tasks per hour divides by it)
   * @param p50Seconds       completion time, median (nearest rank); NaN without a task
   * @param p95Seconds       completion time, 95th percentile (nearest rank); NaN without a task
   * @param shareAllStepsMet share of them with every step within every step objective; NaN without a task
   * @param tasksPerHour     finished / windowSeconds x 3600
   */
  public record Tasks(long finished, double windowSeconds, double p50Seconds, double p95Seconds, double shareAllStepsMet,
      double tasksPerHour) {
    public static Tasks of(TaskTally t) {
      return new Tasks(t.tasks(), t.windowSeconds(), t.secondsAt(0.5), t.secondsAt(0.95), t.shareAllStepsMet(), t.tasksPerHour());
    }
  }

  /** What the search was asked: {@link SearchSettings} as recorded. */
  public record Settings(double start, double growth, double precision, double confidence, double budgetSeconds,
      double warmupSeconds, int scoutRequests, int maxLooks) {
    public static Settings of(SearchSettings s) {
      return new Settings(s.startRate(), s.growth(), s.precision(), s.confidence(), s.budgetSeconds(), s.warmupSeconds(),
          s.scoutRequests(), s.maxLooks());
    }
  }

  /**
   * One probe.
   *
   * @param stepId         its step in run.json (null when it is not a step of a run: virtual time)
   * @param startSeconds   start of its warm-up, seconds after the search's start
   * @param windowSeconds  measured window as run (shorter than planned when it stopped early)
   * @param low            after this probe: highest rate shown to hold (NaN: none yet)
   * @param high           after this probe: lowest rate shown broken (NaN: none yet)
   * @param under          after this probe: the scouts' bracket, highest rate seen under (NaN: none)
   * @param over           after this probe: the scouts' bracket, lowest rate seen over (NaN: none)
   * @param tasks          closed loop: the probe's tasks; null for open loop
   */
  public record Probe(int index, String stepId, String phase, int look, double rate, double startSeconds,
      double warmupSeconds, double plannedSeconds, double windowSeconds, long requests, Map<String, Long> violations,
      double gpuSeconds, boolean stoppedEarly, String verdict, List<String> reasons, double low, double high,
      double under, double over, Tasks tasks) {
    public Probe {
      violations = Map.copyOf(violations);
      reasons = List.copyOf(reasons);
    }

    /** An open-loop probe (no tasks). */
    public Probe(int index, String stepId, String phase, int look, double rate, double startSeconds,
        double warmupSeconds, double plannedSeconds, double windowSeconds, long requests, Map<String, Long> violations,
        double gpuSeconds, boolean stoppedEarly, String verdict, List<String> reasons, double low, double high,
        double under, double over) {
      this(index, stepId, phase, look, rate, startSeconds, warmupSeconds, plannedSeconds, windowSeconds, requests, violations,
          gpuSeconds, stoppedEarly, verdict, reasons, low, high, under, over, null);
    }
  }

  /** The answer: {@link SearchResult}'s figures. */
  public record Answer(double low, double high, double precision, double target, double confidence, double gpuSeconds,
      boolean met, String stop) {
    public static Answer of(SearchResult r) {
      return new Answer(r.low(), r.high(), r.precision(), r.target(), r.confidence(), r.gpuSeconds(), r.met(), r.stop());
    }

    /** The middle of the interval (geometric), NaN when it is not closed. */
    public double estimate() {
      return Math.sqrt(low * high);
    }
  }
}
