package dev.capkit.llamacpp;

import dev.capkit.core.ServeUntilStopped;
import dev.capkit.core.cli.CommandLine;
import dev.capkit.llamacpp.engine.CpuList;
import dev.capkit.llamacpp.engine.EngineOptions;
import dev.capkit.llamacpp.engine.LlamaCppEngine;
import dev.capkit.llamacpp.http.EngineHttpServer;
import dev.capkit.llamacpp.model.BpeVocabulary;
import dev.capkit.llamacpp.model.GeneratedModel;
import dev.capkit.llamacpp.model.ModelShape;
import dev.capkit.llamacpp.model.RandomLlamaGguf;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code capkit engine}: a real inference engine on this machine, llama.cpp with continuous
 * batching behind an OpenAI-compatible HTTP front.
 * <pre>
 * capkit engine (--gguf FILE | --generate-model DIR [--params-m 30] [--seed 42])
 *               [--parallel 4] [--ctx 4096] [--threads 2] [--compute-cpus LIST] [--host 127.0.0.1] [--port 8080]
 *               [--model-name NAME] [--verbose]
 * </pre>
 * {@code --generate-model} writes capkit's random-weight LLaMA model ({@link RandomLlamaGguf}) into
 * DIR (reused when that file is already there: generation is deterministic) and serves it. Runs
 * until stopped. Bad input (flags, a missing or non-GGUF file) prints a message naming the flag and
 * value and exits with 2. {@code --compute-cpus 1} gives llama.cpp's compute CPU 1 to itself and
 * runs the rest of the engine (HTTP front, result hand-over) on the other CPUs, as a GPU server's
 * host process runs beside its GPU ({@code ComputePinning}); {@code --threads} then defaults to
 * the number of those CPUs.
 *
 * <pre>{@code
 * ./capkit engine --generate-model target/models --params-m 30 --parallel 4 --port 8080
 * curl -s localhost:8080/v1/chat/completions -d '{"messages":[{"role":"user","content":"hi"}],"max_tokens":8}'
 * }</pre>
 */
public final class LlamaCppEngineMain {
  public static final int USAGE = 2;
  private static final List<String> OPTIONS = List.of("--gguf", "--generate-model", "--params-m", "--seed",
      "--parallel", "--ctx", "--threads", "--compute-cpus", "--host", "--port", "--model-name");
  private static final List<String> SWITCHES = List.of("--verbose");

  private LlamaCppEngineMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses, starts and serves until the JVM is stopped; returns an exit code on bad input. */
  public static int run(String[] args) {
    return run(args, System.out, System.err, true);
  }

  static int run(String[] args, PrintStream out, PrintStream err, boolean block) {
    CommandLine cl;
    EngineOptions options;
    String host;
    int port;
    try {
      cl = CommandLine.parse(args, OPTIONS, SWITCHES);
      if (cl.help()) {
        out.println(usage());
        return 0;
      }
      if (!cl.positional().isEmpty()) {
        throw new IllegalArgumentException("unexpected argument '" + cl.positional().get(0) + "'");
      }
      Path gguf = modelFile(cl, out);
      String name = cl.value("--model-name").orElse(gguf.getFileName().toString().replaceFirst("\\.gguf$", ""));
      CpuList computeCpus = cl.value("--compute-cpus").map(v -> CpuList.parse("--compute-cpus", v)).orElse(null);
      int defaultThreads = computeCpus != null ? computeCpus.size() : Math.max(1, Runtime.getRuntime().availableProcessors());
      options = new EngineOptions(gguf, name, (int) cl.whole("--parallel", 4), (int) cl.whole("--ctx", 4096),
          (int) cl.whole("--threads", defaultThreads), cl.has("--verbose"), computeCpus);
      host = cl.value("--host").orElse("127.0.0.1");
      port = (int) cl.whole("--port", 8080);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port '" + port + "' is not a port (0..65535)");
      }
    } catch (IllegalArgumentException e) {
      err.println("capkit engine: " + e.getMessage());
      err.println(usage());
      return USAGE;
    } catch (IOException e) {
      err.println("capkit engine: --generate-model: cannot write the model: " + e.getMessage());
      return USAGE;
    }
    LlamaCppEngine engine;
    try {
      engine = LlamaCppEngine.start(options);
    } catch (IllegalArgumentException e) {
      err.println("capkit engine: " + e.getMessage());
      return USAGE;
    } catch (IllegalStateException e) {
      err.println("capkit engine: " + e.getMessage());
      return 1;
    }
    EngineHttpServer server;
    try {
      server = EngineHttpServer.bind(engine, host, port);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      engine.close();
      return 1;
    } catch (RuntimeException e) {
      engine.close();
      err.println("capkit engine: --host " + host + " --port " + port + ": cannot listen: " + e.getMessage());
      return USAGE;
    }
    out.printf("llama.cpp engine: %s, %d slots x %d tokens of context, %d threads%n", options.gguf(),
        options.parallel(), options.slotContext(), options.threads());
    engine.pinning().ifPresent(p -> out.printf("compute on CPU %s (llama.cpp threads %s), HTTP front and result hand-over "
        + "on CPU %s%n", p.compute(), p.computeThreads().stream().map(t -> t.tid() + " " + t.name()).toList(), p.host()));
    out.println("serving OpenAI API at http://" + host + ":" + server.port() + "/v1 (model " + options.modelName()
        + "); /health, /metrics, /tokenize");
    out.flush();
    AutoCloseable both = () -> {
      server.close();
      engine.close();
    };
    if (!block) {
      try {
        both.close();
      } catch (Exception e) {
        err.println("capkit engine: closing failed: " + e.getMessage());
      }
      return 0;
    }
    ServeUntilStopped.await(both, "capkit-engine-shutdown");
    return 0;
  }

  private static Path modelFile(CommandLine cl, PrintStream out) throws IOException {
    var gguf = cl.path("--gguf");
    var dir = cl.path("--generate-model");
    if (gguf.isPresent() == dir.isPresent()) {
      throw new IllegalArgumentException("give exactly one of --gguf FILE and --generate-model DIR");
    }
    if (gguf.isPresent()) {
      return gguf.get();
    }
    double millions = cl.number("--params-m", 30);
    long seed = cl.whole("--seed", 42);
    BpeVocabulary vocab = RandomLlamaGguf.defaultVocabulary();
    ModelShape shape = ModelShape.forParameters(millions, vocab.size());
    Path file = dir.get().resolve(RandomLlamaGguf.fileName(shape, seed));
    if (Files.isRegularFile(file)) {
      out.println("model: " + file + " (already generated)");
      return file;
    }
    GeneratedModel m = RandomLlamaGguf.write(shape, vocab, seed, file);
    out.printf("model: %s written: %,d parameters (%d blocks of %d), %,d-token vocabulary of which %d word tokens, "
        + "%.1f MB, output margin %.0f logits%n", file, shape.parameters(), shape.layers(), shape.embedding(),
        shape.vocab(), m.wordTokens(), m.bytes() / 1e6, m.marginLogits());
    return file;
  }

  static String usage() {
    return "usage: capkit engine (--gguf FILE | --generate-model DIR [--params-m 30] [--seed 42])\n"
        + "                     [--parallel 4] [--ctx 4096] [--threads N] [--compute-cpus LIST]\n"
        + "                     [--host 127.0.0.1] [--port 8080]\n"
        + "                     [--model-name NAME] [--verbose]\n"
        + "  llama.cpp (continuous batching, --parallel slots sharing --ctx tokens of KV cache) behind an\n"
        + "  OpenAI-compatible front: /v1/chat/completions (stream + usage), /v1/models, /health, /metrics, /tokenize\n"
        + "  --compute-cpus LIST (e.g. 1): llama.cpp's compute on these CPUs alone, the front and the result hand-over\n"
        + "  on the others (as on a GPU server); --threads defaults to their number; /health says what was placed";
  }
}
