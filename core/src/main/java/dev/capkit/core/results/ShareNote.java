package dev.capkit.core.results;

import java.util.Optional;

/**
 * The run note an injector of a distributed run writes into {@code run.json}
 * ({@code injector i/N: this run holds one share of the load ...}), and how a merge recognises it:
 * true of each input, not of the merged run, which names the shares instead.
 */
public final class ShareNote {
  private static final String PREFIX = "injector ";
  private static final String MARK = ": this run holds one share of the load";

  private ShareNote() {}

  /** The note of injector {@code share} ({@code i/N}); {@code detail} says which requests it sent. */
  public static String of(String share, String detail) {
    return PREFIX + share + MARK + " (" + detail + "); merge the injectors' runs with ./capkit merge";
  }

  /** The share {@code i/N} when {@code note} is an injector's share note. */
  public static Optional<String> share(String note) {
    int mark = note.indexOf(MARK);
    return note.startsWith(PREFIX) && mark > PREFIX.length() ? Optional.of(note.substring(PREFIX.length(), mark)) : Optional.empty();
  }
}
