package dev.capkit.emulator;

import dev.capkit.core.ServeUntilStopped;
import dev.capkit.emulator.physics.Dtype;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Standalone emulator: {@code capkit emulator --tier <id> [--model autoglm-phone-9b] [--dtype bf16|fp8|int4]
 * [--port 8000] [--seed N] [--profile physics|instant] [--slowdown 1.2] [--api-key K] [--catalog DIR]
 * [--host 127.0.0.1] [--max-waiting N] [--loading-seconds S]}. Prints what it serves and runs until killed.
 * Bad input prints a message naming the flag (or catalog file and field) and value and exits with 2.
 *
 * <pre>{@code
 * java -cp ... dev.capkit.emulator.EmulatorMain --tier gn7i-c8g1.2xlarge --dtype fp8 --port 8000
 * }</pre>
 */
public final class EmulatorMain {
  /** Exit status for bad input (flags, catalogs, infeasible configuration). */
  public static final int USAGE = 2;

  private EmulatorMain() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Parses, starts and blocks until the JVM is stopped; returns an exit code instead of exiting on bad input. */
  public static int run(String[] args) {
    return run(args, System.out, System.err, true);
  }

  static int run(String[] args, PrintStream out, PrintStream err, boolean block) {
    EmulatorOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("capkit emulator: " + e.getMessage());
      err.println(usage());
      return USAGE;
    }
    if (options == null) {
      out.println(usage());
      return 0;
    }
    EmbeddedEmulator emulator;
    try {
      emulator = EmbeddedEmulator.start(options);
    } catch (EmulatorStartException e) {
      err.println("capkit emulator: " + e.getMessage());
      return USAGE;
    }
    out.println(emulator.describe());
    out.println("serving OpenAI API at " + emulator.baseUri() + "/v1 (model " + emulator.modelName() + "); /health, /metrics");
    out.flush();
    if (!block) {
      emulator.close();
      return 0;
    }
    ServeUntilStopped.await(emulator, "capkit-emulator-shutdown");
    return 0;
  }

  /** Null for --help. Standalone defaults differ from embedded ones: port 8000, a 3 s loading period. */
  static EmulatorOptions parse(String[] args) {
    EmulatorOptions o = EmulatorOptions.defaults().withPort(8000).withLoading(Duration.ofSeconds(3));
    boolean tierGiven = false;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag.startsWith("--") ? flag + ": missing value" : "unexpected argument '" + flag + "'");
      }
      String value = args[++i];
      try {
        switch (flag) {
          case "--tier" -> {
            o = o.withTier(value);
            tierGiven = true;
          }
          case "--model" -> o = o.withModel(value);
          case "--dtype" -> o = o.withDtype(Dtype.parse(value));
          case "--port" -> o = o.withPort(Integer.parseInt(value));
          case "--seed" -> o = o.withSeed(Long.parseLong(value));
          case "--profile" -> o = o.withProfile(Profile.parse(value));
          case "--slowdown" -> o = o.withSlowdown(Double.parseDouble(value));
          case "--api-key" -> o = o.withApiKey(value);
          case "--host" -> o = o.withHost(value);
          case "--max-waiting" -> o = o.withMaxWaiting(Integer.parseInt(value));
          case "--loading-seconds" -> o = o.withLoading(Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000)));
          case "--catalog" -> {
            Path dir = Path.of(value);
            if (!Files.isDirectory(dir)) {
              throw new IllegalArgumentException("not a directory");
            }
            o = o.withCatalogDir(dir);
          }
          default -> throw new IllegalArgumentException("unknown flag");
        }
      } catch (IllegalArgumentException e) {
        String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
        throw new IllegalArgumentException(flag + " '" + value + "': " + why, e);
      }
    }
    if (!tierGiven) {
      throw new IllegalArgumentException("--tier is required (e.g. --tier " + EmulatorOptions.DEFAULT_TIER + ")");
    }
    return o;
  }

  static String usage() {
    return "usage: capkit emulator --tier <id> [--model autoglm-phone-9b] [--dtype bf16|fp8|int4] [--port 8000]\n"
        + "         [--seed N] [--profile physics|instant] [--slowdown 1.2] [--api-key K] [--catalog DIR]\n"
        + "         [--host 127.0.0.1] [--max-waiting 256] [--loading-seconds 3]";
  }
}
