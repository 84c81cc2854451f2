package dev.capkit.core.search;

import java.util.List;
import java.util.Map;

/**
 * One finished probe: what was measured and what the search concluded.
 *
 * @param plan        the probe as planned
 * @param requests    requests in the measured window (sent, or planned and not sent)
 * @param violations  per objective key, requests violating it
 * @param gpuSeconds  time the target was occupied: warm-up, window (to an early stop) and drain
 * @param stoppedEarly whether the window was cut short because an objective was already broken
 * @param verdict     this rate's verdict, on every probe at this rate pooled
 * @param reasons     what decided it, per objective
 */
public record ProbeResult(ProbePlan plan, long requests, Map<String, Long> violations, double gpuSeconds,
    boolean stoppedEarly, Verdict verdict, List<String> reasons) {}
