package dev.capkit.emulator;

import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingRefusedException;
import dev.capkit.core.ServeUntilStopped;
import dev.capkit.core.cli.CommandLine;
import dev.capkit.twin.physics.Dtype;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Standalone emulator: {@code capkit emulator --tier <id> [--model autoglm-phone-9b] [--dtype bf16|fp8|int4]
 * [--port 8000] [--seed N] [--profile physics|instant] [--slowdown 1.2] [--api-key-file FILE] [--catalog DIR]
 * [--host 127.0.0.1] [--max-waiting N] [--loading-seconds S] [--realtime N] [--max-in-flight N]}. Prints what it serves and runs until killed.
 * {@code --realtime N}: the worker event loops at {@code SCHED_FIFO} N and the engine thread at N-1
 * ({@link EmbeddedEmulator#realtime}); when the system refuses, the message says why and the exit status is 2.
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
    } catch (ServingRefusedException e) {
      err.println("capkit emulator: " + e.getMessage());
      return USAGE;
    }
    int realtime = realtimePriority(args);
    if (realtime > 0) {
      try {
        int threads = emulator.realtime(realtime);
        out.println("real-time: SCHED_FIFO " + realtime + " for the " + (threads - 1) + " worker event loop(s), "
            + Math.max(1, realtime - 1) + " for the engine thread (--realtime)");
      } catch (IllegalStateException e) {
        emulator.close();
        err.println("capkit emulator: --realtime " + realtime + ": " + e.getMessage());
        return USAGE;
      }
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

  private static final List<String> OPTIONS = List.of("--tier", "--model", "--dtype", "--port", "--seed", "--profile",
      "--slowdown", "--api-key-file", "--host", "--max-waiting", "--loading-seconds", "--catalog",
      "--gpu-memory-utilization", "--max-model-len", "--max-num-seqs", "--max-num-batched-tokens", "--kv-cache-dtype",
      "--tensor-parallel-size", "--limit-mm-per-prompt", "--mm-processor-kwargs", "--realtime", "--max-in-flight");
  private static final List<String> FLAGS = List.of("--enable-prefix-caching", "--no-enable-prefix-caching");

  /** Null for --help. Standalone defaults differ from embedded ones: port 8000, a 3 s loading period. */
  static EmulatorOptions parse(String[] args) {
    if (java.util.Arrays.stream(args).anyMatch(a -> a.equals("--api-key") || a.startsWith("--api-key="))) {
      throw new IllegalArgumentException("--api-key is not accepted: a secret on the command line shows in process listings;"
          + " use --api-key-file FILE or the environment variable CAPKIT_API_KEY");
    }
    CommandLine cl = CommandLine.parse(args, OPTIONS, FLAGS);
    if (cl.help()) {
      return null;
    }
    if (!cl.positional().isEmpty()) {
      throw new IllegalArgumentException("unexpected argument '" + cl.positional().get(0) + "'");
    }
    cl.require("--tier", "e.g. --tier " + EmulatorOptions.DEFAULT_TIER);
    EmulatorOptions o = EmulatorOptions.defaults().withPort(8000).withLoading(Duration.ofSeconds(3));
    String envKey = System.getenv("CAPKIT_API_KEY");
    if (envKey != null && !envKey.isBlank()) {
      o = o.withApiKey(envKey.trim());
    }
    for (String flag : OPTIONS) {
      String value = cl.value(flag).orElse(null);
      if (value != null) {
        try {
          o = apply(o, flag, value);
        } catch (IllegalArgumentException e) {
          String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
          throw new IllegalArgumentException(flag + " '" + value + "': " + why, e);
        }
      }
    }
    if (cl.has("--enable-prefix-caching") || cl.has("--no-enable-prefix-caching")) {
      o = o.withVllm(o.vllm().overriddenBy(dev.capkit.twin.catalog.VllmKnobs.fromMap(
          java.util.Map.of("enable_prefix_caching", String.valueOf(cl.has("--enable-prefix-caching"))))));
    }
    return o;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** A vLLM flag as a knob: --max-model-len 8192 -> max_model_len=8192; JSON-valued flags pick their field. */
  private static EmulatorOptions knob(EmulatorOptions o, String flag, String value) {
    String name = flag.substring(2).replace('-', '_');
    String text = value;
    if (flag.equals("--limit-mm-per-prompt") || flag.equals("--mm-processor-kwargs")) {
      String field = flag.equals("--limit-mm-per-prompt") ? "image" : "max_pixels";
      try {
        com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(value).get(field);
        if (node == null || !node.isIntegralNumber()) {
          throw new IllegalArgumentException("expected JSON with an integer \"" + field + "\", e.g. {\"" + field + "\": 10}");
        }
        text = node.asText();
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
      }
      name = name + "." + field;
    }
    return o.withVllm(o.vllm().overriddenBy(dev.capkit.twin.catalog.VllmKnobs.fromMap(java.util.Map.of(name, text))));
  }

  private static EmulatorOptions apply(EmulatorOptions o, String flag, String value) {
    return switch (flag) {
      case "--tier" -> o.withTier(value);
      case "--model" -> o.withModel(value);
      case "--dtype" -> o.withDtype(Dtype.parse(value));
      case "--port" -> o.withPort(Integer.parseInt(value));
      case "--seed" -> o.withSeed(Long.parseLong(value));
      case "--profile" -> o.withProfile(Profile.parse(value));
      case "--slowdown" -> o.withSlowdown(Double.parseDouble(value));
      case "--api-key-file" -> o.withApiKey(dev.capkit.core.run.SecretFile.read(value));
      case "--host" -> o.withHost(value);
      case "--max-waiting" -> o.withMaxWaiting(Integer.parseInt(value));
      case "--loading-seconds" -> o.withLoading(Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000)));
      case "--catalog" -> {
        Path dir = Path.of(value);
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException("not a directory");
        }
        yield o.withCatalogDir(dir);
      }
      case "--max-in-flight" -> {
        int n = Integer.parseInt(value);
        if (n < 1) {
          throw new IllegalArgumentException("expected a number of requests >= 1 (default: from the heap)");
        }
        yield o.withMaxInFlight(n);
      }
      case "--realtime" -> {
        int priority = Integer.parseInt(value);
        if (priority < 1 || priority > 99) {
          throw new IllegalArgumentException("expected a SCHED_FIFO priority 1..99");
        }
        yield o; // applied to the running server's threads (EmbeddedEmulator#realtime), not an engine option
      }
      case "--gpu-memory-utilization", "--max-model-len", "--max-num-seqs", "--max-num-batched-tokens", "--kv-cache-dtype",
          "--tensor-parallel-size", "--limit-mm-per-prompt", "--mm-processor-kwargs" -> knob(o, flag, value);
      default -> throw new IllegalStateException("option " + flag + " listed but not applied");
    };
  }

  /** --realtime N (validated by {@link #parse}), 0 when absent. */
  static int realtimePriority(String[] args) {
    return CommandLine.parse(args, OPTIONS, FLAGS).value("--realtime").map(Integer::parseInt).orElse(0);
  }

  static String usage() {
    return "usage: capkit emulator --tier <id> [--model autoglm-phone-9b] [--dtype bf16|fp8|int4] [--port 8000]\n"
        + "         [--seed N] [--profile physics|instant] [--slowdown 1.2] [--api-key-file FILE] [--catalog DIR]\n"
        + "         [--host 127.0.0.1] [--max-waiting 256] [--loading-seconds 3] [--realtime 10]\n"
        + "         [--max-in-flight N (default: max heap / 128 KiB)]\n"
        + "         vLLM flags: [--gpu-memory-utilization 0.9] [--max-model-len N] [--max-num-seqs N]\n"
        + "         [--max-num-batched-tokens N] [--[no-]enable-prefix-caching] [--kv-cache-dtype auto|fp8]\n"
        + "         [--tensor-parallel-size N] [--limit-mm-per-prompt '{\"image\":10}'] [--mm-processor-kwargs '{\"max_pixels\":N}']";
  }
}
