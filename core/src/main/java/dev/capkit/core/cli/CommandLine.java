package dev.capkit.core.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command line of one capkit command: positional arguments, options with a value
 * ({@code --out DIR} or {@code --out=DIR}), switches ({@code --no-predict}), {@code -h}/{@code --help},
 * and everything after {@code --} passed through untouched. Every problem is a
 * {@link UsageException} whose message names the option and the value, worded the same in every
 * command; the command prints it after its own name and exits 2.
 *
 * <pre>{@code
 * CommandLine cl = CommandLine.parse(args, List.of("--out", "--target-qps"), List.of("--no-predict"));
 * double qps = cl.number("--target-qps", Double.NaN);
 * Path out = cl.path("--out").orElse(Path.of("plan"));
 * }</pre>
 */
public final class CommandLine {
  /** Bad command-line input; the message names the option and the value. */
  public static final class UsageException extends IllegalArgumentException {
    public UsageException(String message) {
      super(message);
    }
  }

  private final List<String> positional;
  private final Map<String, String> values;
  private final Set<String> switches;
  private final List<String> passthrough;
  private final boolean help;

  private CommandLine(List<String> positional, Map<String, String> values, Set<String> switches, List<String> passthrough,
      boolean help) {
    this.positional = List.copyOf(positional);
    this.values = values;
    this.switches = switches;
    this.passthrough = List.copyOf(passthrough);
    this.help = help;
  }

  /**
   * @param options  the options that take a value, e.g. {@code --out}
   * @param switches the options that take none, e.g. {@code --no-predict}
   */
  public static CommandLine parse(String[] args, Collection<String> options, Collection<String> switches) {
    List<String> positional = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> on = new HashSet<>();
    List<String> passthrough = new ArrayList<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        passthrough.addAll(List.of(args).subList(i + 1, args.length));
        break;
      }
      if (a.equals("-h") || a.equals("--help")) {
        help = true;
        continue;
      }
      if (!a.startsWith("--")) {
        positional.add(a);
        continue;
      }
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      if (switches.contains(name)) {
        if (eq >= 0) {
          throw new UsageException("option " + name + " takes no value, got '" + a.substring(eq + 1) + "'");
        }
        on.add(name);
      } else if (options.contains(name)) {
        if (eq >= 0) {
          values.put(name, a.substring(eq + 1));
        } else if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new UsageException("option " + name + " needs a value");
        } else {
          values.put(name, args[++i]);
        }
      } else {
        Set<String> known = new TreeSet<>(options);
        known.addAll(switches);
        throw new UsageException("unknown option '" + name + "' (known: " + String.join(", ", known) + ")");
      }
    }
    return new CommandLine(positional, values, on, passthrough, help);
  }

  /** Whether {@code -h} or {@code --help} was given. */
  public boolean help() {
    return help;
  }

  public List<String> positional() {
    return positional;
  }

  /** The arguments after {@code --}, untouched. */
  public List<String> passthrough() {
    return passthrough;
  }

  public boolean has(String switchName) {
    return switches.contains(switchName);
  }

  public Optional<String> value(String option) {
    return Optional.ofNullable(values.get(option));
  }

  /** The option's value; absent: {@code <option> is required (<hint>)}. */
  public String require(String option, String hint) {
    String v = values.get(option);
    if (v == null) {
      throw new UsageException(option + " is required" + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")"));
    }
    return v;
  }

  public Optional<Path> path(String option) {
    return value(option).map(Path::of);
  }

  /** The option's value as a number, or {@code fallback} when absent. */
  public double number(String option, double fallback) {
    String v = values.get(option);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " '" + v + "' is not a number");
    }
  }

  /** The option's value as a whole number, or {@code fallback} when absent. */
  public long whole(String option, long fallback) {
    String v = values.get(option);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " '" + v + "' is not a whole number");
    }
  }
}
