package dev.capkit.twin;

import java.util.Locale;

/** How engine steps take time: {@code physics} from the roofline model, {@code instant} not at all. */
public enum Profile {
  /** Step time from {@link dev.capkit.twin.physics.StepCostModel} x slowdown. */
  PHYSICS,
  /** Steps take zero time: tokens go out as fast as the server can write them (measures client overhead). */
  INSTANT;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Profile parse(String text) {
    for (Profile p : values()) {
      if (p.key().equalsIgnoreCase(text.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown profile '" + text + "' (expected physics or instant)");
  }
}
