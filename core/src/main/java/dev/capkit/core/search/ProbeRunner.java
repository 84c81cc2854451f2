package dev.capkit.core.search;

import java.util.Map;

/**
 * Runs one probe against something that serves: the emulator or a real endpoint in real time, or
 * the twin in virtual time. It offers {@link ProbePlan#rate()} for the warm-up and the measured
 * window, counts the window's violations per objective, and may stop the window as soon as one
 * reaches {@link ProbePlan#breakAt()}.
 */
public interface ProbeRunner {
  /**
   * @param requests     requests in the measured window
   * @param violations   per objective key, requests violating it
   * @param gpuSeconds   time the target was occupied by this probe (warm-up, window, drain)
   * @param stoppedEarly whether the window was cut short by {@link ProbePlan#breakAt()}
   */
  record Measured(long requests, Map<String, Long> violations, double gpuSeconds, boolean stoppedEarly) {}

  Measured run(ProbePlan plan);
}
