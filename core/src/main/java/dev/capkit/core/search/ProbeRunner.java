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
   * @param designEffect the window's {@link DesignEffect} (1: its slow requests look independent); a verdict
   *                     probe is judged on {@code requests / designEffect} effective requests (the larger of
   *                     this and the one its plan assumed), and the next verdict window is sized for it
   */
  record Measured(long requests, Map<String, Long> violations, double gpuSeconds, boolean stoppedEarly, Map<String, Long> judged,
      double designEffect) {
    public Measured {
      violations = Map.copyOf(violations);
      judged = Map.copyOf(judged);
      if (!(designEffect >= 1)) {
        throw new IllegalArgumentException("designEffect must be >= 1, got " + designEffect);
      }
    }

    /** Requests taken as independent. */
    public Measured(long requests, Map<String, Long> violations, double gpuSeconds, boolean stoppedEarly, Map<String, Long> judged) {
      this(requests, violations, gpuSeconds, stoppedEarly, judged, 1);
    }

    /** Every objective counted among the window's requests, taken as independent. */
    public Measured(long requests, Map<String, Long> violations, double gpuSeconds, boolean stoppedEarly) {
      this(requests, violations, gpuSeconds, stoppedEarly, Map.of(), 1);
    }

    /** What objective {@code key}'s violations are counted among. */
    public long judged(String key) {
      return judged.getOrDefault(key, requests);
    }
  }

  Measured run(ProbePlan plan);
}
