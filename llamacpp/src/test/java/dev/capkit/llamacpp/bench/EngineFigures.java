package dev.capkit.llamacpp.bench;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.llamacpp.engine.EngineOptions;
import dev.capkit.llamacpp.engine.LlamaCppEngine;
import dev.capkit.llamacpp.http.EngineHttpServer;
import dev.capkit.llamacpp.model.BpeVocabulary;
import dev.capkit.llamacpp.model.ModelShape;
import dev.capkit.llamacpp.model.RandomLlamaGguf;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatEndpoint;
import dev.capkit.loadgen.TextChatRequests;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures the engine through its HTTP front with capkit's own client (a benchmark, not a test):
 * prefill tokens/s (one long prompt, one output token: prompt_tokens / TTFT), single-stream decode
 * tokens/s ((E2E - TTFT) / (completion_tokens - 1)) and aggregate generated tokens/s with N
 * concurrent streams at --parallel N. Medians of {@code bench.rounds} rounds; the load average is
 * printed with every figure because the machine may be shared.
 *
 * <pre>
 * mvn -q -o -pl llamacpp -am -Pengine-figures -DskipTests test -Dbench.params=30 -Dbench.threads=2 -Dbench.parallel=1,2,4
 * </pre>
 */
public final class EngineFigures {
  private EngineFigures() {
  }

  public static void main(String[] args) throws Exception {
    double params = Double.parseDouble(System.getProperty("bench.params", "30"));
    int threads = Integer.getInteger("bench.threads", 2);
    int maxTokens = Integer.getInteger("bench.maxTokens", 128);
    int promptTokens = Integer.getInteger("bench.promptTokens", 1000);
    int rounds = Integer.getInteger("bench.rounds", 3);
    int[] parallels = Arrays.stream(System.getProperty("bench.parallel", "1,2,4").split(",")).mapToInt(Integer::parseInt).toArray();
    BpeVocabulary vocab = RandomLlamaGguf.defaultVocabulary();
    ModelShape shape = ModelShape.forParameters(params, vocab.size());
    Path file = Path.of("target/bench-models").resolve(RandomLlamaGguf.fileName(shape, 42));
    if (!Files.isRegularFile(file)) {
      RandomLlamaGguf.write(shape, vocab, 42, file);
    }
    System.out.printf("model %s: %,d parameters (%d blocks x %d hidden, vocab %d), %.1f MB; llama.cpp threads %d%n",
        file.getFileName(), shape.parameters(), shape.layers(), shape.embedding(), shape.vocab(), Files.size(file) / 1e6, threads);
    for (int p : parallels) {
      try (LlamaCppEngine engine = LlamaCppEngine.start(new EngineOptions(file, "bench", p, p * 2048, threads, false));
          EngineHttpServer server = EngineHttpServer.bind(engine, "127.0.0.1", 0);
          ChatClient client = new ChatClient(new ChatEndpoint(URI.create("http://127.0.0.1:" + server.port()), "bench",
              null, ClientTimeouts.DEFAULTS), 1)) {
        TextChatRequests text = new TextChatRequests("bench", "bench", true, false);
        check(client.send(text.request(32, 16, 1), 0).get(10, TimeUnit.MINUTES)); // warm-up
        if (p == parallels[0]) {
          double[] prefill = new double[rounds];
          double[] decode = new double[rounds];
          int prompt = 0;
          for (int r = 0; r < rounds; r++) {
            RequestRecord pre = check(client.send(text.request(promptTokens, 1, 100 + r), 0).get(10, TimeUnit.MINUTES));
            prompt = pre.promptTokens();
            prefill[r] = pre.promptTokens() / (pre.ttftNanos() / 1e9);
            RequestRecord dec = check(client.send(text.request(32, maxTokens, 200 + r), 0).get(10, TimeUnit.MINUTES));
            decode[r] = (dec.completionTokens() - 1) / ((dec.e2eNanos() - dec.ttftNanos()) / 1e9);
          }
          System.out.printf("prefill: %.0f tok/s (prompt %d tokens, 1 output token; median of %d)   load %s%n",
              median(prefill), prompt, rounds, load());
          System.out.printf("single-stream decode: %.1f tok/s (%d output tokens; median of %d)   load %s%n",
              median(decode), maxTokens, rounds, load());
        }
        double[] throughput = new double[rounds];
        double[] perStream = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          long start = System.nanoTime();
          List<CompletableFuture<RequestRecord>> futures = new ArrayList<>();
          for (int i = 0; i < p; i++) {
            futures.add(client.send(text.request(32, maxTokens, 1000 * r + i), 0));
          }
          long tokens = 0;
          double streamSum = 0;
          for (var f : futures) {
            RequestRecord rec = check(f.get(10, TimeUnit.MINUTES));
            tokens += rec.completionTokens();
            streamSum += (rec.completionTokens() - 1) / ((rec.e2eNanos() - rec.ttftNanos()) / 1e9);
          }
          throughput[r] = tokens / ((System.nanoTime() - start) / 1e9);
          perStream[r] = streamSum / p;
        }
        System.out.printf("parallel %d: %.1f generated tok/s in all, %.1f tok/s per stream (%d streams x %d tokens; median of %d)   load %s%n",
            p, median(throughput), median(perStream), p, maxTokens, rounds, load());
      }
    }
    System.exit(0); // llama.cpp's task thread is not a daemon
  }

  private static RequestRecord check(RequestRecord r) {
    if (r.outcome() != Outcome.OK) {
      throw new IllegalStateException("request failed: " + r.outcome() + " " + r.error());
    }
    return r;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String load() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }
}
