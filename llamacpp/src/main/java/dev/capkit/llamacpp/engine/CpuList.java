package dev.capkit.llamacpp.engine;

import java.util.BitSet;
import java.util.Objects;

/**
 * A set of CPU numbers in the kernel's list syntax ({@code "1"}, {@code "0,2-3"}), as
 * {@code taskset -c} and {@code /proc/<pid>/status}'s {@code Cpus_allowed_list} write it.
 *
 * <pre>{@code
 * CpuList compute = CpuList.parse("--compute-cpus", "1");
 * CpuList host = CpuList.parse("Cpus_allowed_list", "0-1").minus(compute);   // "0"
 * }</pre>
 */
public record CpuList(BitSet cpus) {
  public CpuList {
    cpus = (BitSet) Objects.requireNonNull(cpus, "cpus").clone();
  }

  /**
   * Parses a list such as {@code 0,2-3}.
   *
   * @param field names the flag or file field in the error message
   * @throws IllegalArgumentException naming {@code field} and the value when it is not a CPU list
   */
  public static CpuList parse(String field, String text) {
    BitSet set = new BitSet();
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException(field + " '" + text + "' is not a CPU list (e.g. 1 or 0,2-3)");
    }
    for (String part : trimmed.split(",")) {
      String[] range = part.trim().split("-", -1);
      try {
        int from = Integer.parseInt(range[0].trim());
        int to = range.length == 2 ? Integer.parseInt(range[1].trim()) : from;
        if (range.length > 2 || from < 0 || to < from || to > 4095) {
          throw new NumberFormatException(part);
        }
        set.set(from, to + 1);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(field + " '" + text + "' is not a CPU list (e.g. 1 or 0,2-3): bad part '"
            + part + "'", e);
      }
    }
    return new CpuList(set);
  }

  @Override
  public BitSet cpus() {
    return (BitSet) cpus.clone();
  }

  public int size() {
    return cpus.cardinality();
  }

  public boolean isEmpty() {
    return cpus.isEmpty();
  }

  public boolean containsAll(CpuList other) {
    BitSet rest = other.cpus();
    rest.andNot(cpus);
    return rest.isEmpty();
  }

  public CpuList minus(CpuList other) {
    BitSet rest = cpus();
    rest.andNot(other.cpus);
    return new CpuList(rest);
  }

  /** The kernel's list syntax, ranges folded: {@code 0,2-3}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (int from = cpus.nextSetBit(0); from >= 0; ) {
      int to = cpus.nextClearBit(from) - 1;
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(from);
      if (to > from) {
        out.append('-').append(to);
      }
      from = cpus.nextSetBit(to + 1);
    }
    return out.toString();
  }
}
