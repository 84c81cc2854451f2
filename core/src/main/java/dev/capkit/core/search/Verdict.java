package dev.capkit.core.search;

/** What one probe (or the probes pooled at one rate) shows about a rate. */
public enum Verdict {
  /** Every objective holds at the stated confidence. */
  HOLDS,
  /** At least one objective is broken at the stated confidence. */
  BROKEN,
  /** Neither could be shown with the requests measured. */
  UNDECIDED;

  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
