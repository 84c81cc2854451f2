package dev.capkit.planner;

/**
 * How predicted tiers are tied to a measurement: the measured tier's sustainable rate divided by
 * what the emulator's virtual-time engine predicts for the same tier, dtype and ladder. Predicted
 * rows' rates are multiplied by {@code factor}. NaN with the reason when no measured tier can calibrate.
 *
 * @param tierId        the measured tier used
 * @param measuredRate  its measured sustainable rate
 * @param predictedRate the virtual run's sustainable rate on the same ladder
 * @param factor        measured / predicted
 * @param applied       whether predicted rows were multiplied by it: not when the measured crossing rests on steps too
 *                      short for a stable percentile (then the factor would mostly carry that sampling noise)
 * @param note          how to read it, or why it is undefined
 */
public record Calibration(String tierId, String dtype, double measuredRate, double predictedRate, double factor, boolean applied,
    String note) {
  public boolean defined() {
    return !Double.isNaN(factor);
  }
}
