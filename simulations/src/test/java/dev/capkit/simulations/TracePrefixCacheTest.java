package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.core.workload.MooncakeTraceReader;
import dev.capkit.core.workload.TraceRequest;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.EmulatorOptions;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatEndpoint;
import dev.capkit.twin.Profile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace's hash ids become prefixes a server's prefix cache reuses: the example Mooncake trace's
 * requests, as the main job builds them for a trace scenario, are sent one after another to capkit's
 * emulator (vLLM V1-style prefix caching: chained 16-token block hashes), and its own counters
 * {@code vllm:prefix_cache_hits_total} / {@code vllm:prefix_cache_queries_total} are read from
 * {@code /metrics}. The same trace with its hash ids removed (every block the line's own) is the
 * control. The share of prompt tokens the trace can share (leading hash ids an earlier line started
 * with) is computed from the file and bounds the hits from above.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TracePrefixCacheTest {
  private static final Path SCENARIO = Path.of("../scenarios/trace-mooncake.json");

  @TempDir
  Path dir;

  @Test
  void sharedHashIdsHitTheEmulatorsPrefixCacheAndTheControlDoesNot() throws Exception {
    Scenario withIds = ScenarioLoader.load(SCENARIO, Map.of("speed", "1"));
    List<TraceRequest> lines = MooncakeTraceReader.read(Path.of("../scenarios/traces/mooncake-example.jsonl"));
    double shareable = shareableShare(lines);

    double[] hits = replay(withIds);
    Scenario control = ScenarioLoader.load(withoutHashIds(), Map.of("speed", "1"));
    double[] controlHits = replay(control);

    double share = hits[0] / hits[1];
    double controlShare = controlHits[0] / controlHits[1];
    System.out.printf(Locale.ROOT, "prefix cache (emulated, instant profile), %d trace lines in order:"
        + " with hash ids %.0f of %.0f prompt tokens hit (%.1f%%); the trace's shareable share %.1f%%;"
        + " control without hash ids %.0f of %.0f (%.1f%%)%n", lines.size(), hits[0], hits[1], 100 * share,
        100 * shareable, controlHits[0], controlHits[1], 100 * controlShare);
    assertTrue(shareable > 0.4, "the example trace shares 4-block prefixes: " + shareable);
    assertTrue(share >= 0.9 * shareable && share <= shareable + 0.01,
        "hits are the shared leading blocks (up to 16-token block rounding): " + share + " vs " + shareable);
    assertTrue(controlShare < 0.01, "without hash ids nothing but the chat template is shared: " + controlShare);
  }

  /** Prompt tokens in leading blocks whose hash-id sequence an earlier line started with, over all prompt tokens. */
  private static double shareableShare(List<TraceRequest> lines) {
    List<long[]> seen = new ArrayList<>();
    double shared = 0;
    double total = 0;
    for (TraceRequest r : lines) {
      int best = 0;
      for (long[] earlier : seen) {
        int k = 0;
        while (k < Math.min(earlier.length, r.blocks()) && earlier[k] == r.hashId(k)) {
          k++;
        }
        best = Math.max(best, k);
      }
      shared += Math.min(r.inputTokens(), best * TraceRequest.BLOCK_TOKENS);
      total += r.inputTokens();
      seen.add(r.hashIds());
    }
    return shared / total;
  }

  /** {hits, queries} of the emulator after sending the scenario's first-step arrivals one by one. */
  private static double[] replay(Scenario scenario) throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withProfile(Profile.INSTANT));
        ChatClient client = new ChatClient(new ChatEndpoint(emu.baseUri(), emu.modelName(), null,
            new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(30))), 1)) {
      RequestFactory factory = new RequestFactory(scenario);
      int sent = 0;
      for (Arrival a : ArrivalSchedule.plan(scenario).arrivals()) {
        RequestRecord r = client.send(factory.forArrival(a), 0).get(30, TimeUnit.SECONDS);
        assertEquals(Outcome.OK, r.outcome(), r.error());
        sent++;
      }
      assertEquals(120, sent);
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(emu.baseUri() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return new double[] {counter(metrics, "vllm:prefix_cache_hits_total"), counter(metrics, "vllm:prefix_cache_queries_total")};
    }
  }

  private static double counter(String metrics, String name) {
    return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private Path withoutHashIds() throws Exception {
    Files.createDirectories(dir.resolve("traces"));
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("../scenarios/traces/mooncake-example.jsonl"))) {
      out.add(line.replaceAll(", \"hash_ids\": \\[[0-9, ]*\\]", ""));
    }
    Files.write(dir.resolve("traces/mooncake-example.jsonl"), out);
    Path scenario = dir.resolve("trace-mooncake.json");
    Files.copy(SCENARIO, scenario);
    return scenario;
  }
}
