package dev.capkit.distributed;

import java.io.IOException;

/**
 * The runs given to {@link RunMerger} cannot be merged into one run: they measured different
 * scenarios or plans, or did not run at the same time. The message names the runs and the field.
 * {@code ./capkit merge} exits 2 on it.
 */
public final class MergeRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  public MergeRefusedException(String message) {
    super(message);
  }
}
