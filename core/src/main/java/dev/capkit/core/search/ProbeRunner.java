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
   * @param judged       per objective key, what its violations are counted among when that is not the
   *                     requests (task objectives: finished tasks); absent keys: {@code requests}
   */
  record Measured(long requests, Map<String, Long> violations, double gpuSeconds, boolean stoppedEarly, Map<String, Long> judged) {
    public Measured {
      violations = Map.copyOf(violations);
      judged = Map.copyOf(judged);
    }

    /** Every objective counted among the window's requests. */
    public Measured(long requests, Map<String, Long> violations, double gpuSeconds, boolean stoppedEarly) {
      this(requests, violations, gpuSeconds, stoppedEarly, Map.of());
    }

    /** What objective {@code key}'s violations are counted among. */
    public long judged(String key) {
      return judged.getOrDefault(key, requests);
    }
  }

  Measured run(ProbePlan plan);
}
