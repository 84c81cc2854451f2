package dev.capkit.planner;

import java.util.Locale;

/** Where a tier's figures come from: a measurement of that tier, or the emulator's virtual-time prediction. */
public enum Basis {
  MEASURED,
  PREDICTED;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
