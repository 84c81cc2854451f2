package dev.capkit.core.run;

import dev.capkit.core.scenario.ScenarioException;

/**
 * Which share of a run this load generator (injector) sends: injector {@code index} of
 * {@code count} keeps the planned arrivals whose sequence number is {@code index} modulo
 * {@code count}, so every injector offers the rate divided by {@code count} and the union of all
 * injectors' arrivals is exactly the one-injector plan (same times, kinds and contents).
 *
 * <p>Set with {@code -Dcapkit.injector=i/N} ({@code 0 <= i < N}); absent means the whole run, {@code 0/1}.
 *
 * <pre>{@code
 * InjectorShare share = InjectorShare.parse("1/3");
 * share.keeps(4); // true: this injector sends arrivals 1, 4, 7, ...
 * }</pre>
 */
public record InjectorShare(int index, int count) {
  public static final String PROPERTY = "capkit.injector";
  public static final InjectorShare WHOLE = new InjectorShare(0, 1);

  public InjectorShare {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("injector share " + index + "/" + count + ": need 0 <= i < N");
    }
  }

  /** Parses {@code i/N}; errors name the property and the value. */
  public static InjectorShare parse(String value) {
    String[] parts = value.trim().split("/");
    try {
      if (parts.length == 2) {
        return new InjectorShare(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      }
    } catch (IllegalArgumentException e) {
      // reported below with the property name
    }
    throw new ScenarioException("-D" + PROPERTY, "", "'" + value + "' is not an injector share i/N with 0 <= i < N");
  }

  /** Whether this injector sends the planned request with this sequence number. */
  public boolean keeps(long sequence) {
    return Math.floorMod(sequence, count) == index;
  }

  /** Closed loop: of {@code total} agents (numbered 0..total-1) this injector runs {@code index, index+N, ...}. */
  public int agents(int total) {
    return total <= index ? 0 : (total - index + count - 1) / count;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
