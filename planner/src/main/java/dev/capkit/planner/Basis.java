package dev.capkit.planner;

import dev.capkit.core.results.TargetInfo;
import java.util.Locale;

/**
 * Where a tier's figures come from: {@link #MEASURED} on a real server, {@link #EMULATED} by
 * capkit's emulator over HTTP (physics profile: its timing is the twin's model, played in real
 * time), or {@link #PREDICTED} by the twin in virtual time. Only {@code MEASURED} is a measurement
 * of the tier; an emulated row is the model's answer, reached through the full HTTP load path.
 */
public enum Basis {
  MEASURED,
  EMULATED,
  PREDICTED;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for rows read from run folders (measured or emulated), false for virtual-time predictions. */
  public boolean fromRun() {
    return this != PREDICTED;
  }

  /** The basis of a run's figures, from run.json's {@code target}. */
  public static Basis of(TargetInfo target) {
    return target != null && target.emulated() ? EMULATED : MEASURED;
  }
}
