package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.core.scenario.ClientTimeouts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capkit vocabulary on each engine's {@code /metrics} text (test resources written from the
 * engines' sources; file and commit in each resource's header and in {@link ServingEngine}), and
 * the scraper's once-only warnings on a real loopback scrape.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineVocabularyTest {

  @TempDir
  Path tmp;

  static String text(String engine) throws IOException {
    try (InputStream in = EngineVocabularyTest.class.getResourceAsStream("/engine-metrics/" + engine + ".txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Map<String, Double> mapped(String engine) throws IOException {
    return EngineVocabulary.translate(PrometheusScraper.parse(text(engine)));
  }

  @Test
  void vllm() throws IOException {
    Map<String, Double> v = mapped("vllm");
    assertEquals(7.0, v.get(EngineVocabulary.RUNNING));
    assertEquals(3.0, v.get(EngineVocabulary.WAITING));
    assertEquals(0.42, v.get(EngineVocabulary.KV_USAGE));
    assertEquals(351000.0, v.get(EngineVocabulary.PROMPT_TOKENS));
    assertEquals(24200.0, v.get(EngineVocabulary.GENERATION_TOKENS));
    assertEquals(812.25, v.get(EngineVocabulary.CPU_SECONDS));
    assertEquals(4.294967296e9, v.get(EngineVocabulary.RESIDENT_BYTES));
    assertEquals(104.0, v.get("vllm:request_success_total"), "label sets summed, raw name kept");
    assertEquals(2211.0 + 10123.0, v.get("python_gc_objects_collected_total"), "unknown series kept raw");
    assertFalse(v.containsKey("vllm:prompt_tokens_created"), "creation timestamps left out");
    assertFalse(v.containsKey("vllm:time_to_first_token_seconds_bucket"));
    assertEquals(61.5, v.get("vllm:time_to_first_token_seconds_sum"));
    assertEquals(ServingEngine.VLLM, EngineVocabulary.engineOf(v.keySet()));
  }

  @Test
  void sglang() throws IOException {
    Map<String, Double> v = mapped("sglang");
    assertEquals(5.0, v.get(EngineVocabulary.RUNNING));
    assertEquals(2.0, v.get(EngineVocabulary.WAITING));
    assertEquals(0.31, v.get(EngineVocabulary.KV_USAGE));
    assertEquals(98000.0, v.get(EngineVocabulary.PROMPT_TOKENS));
    assertEquals(7300.0, v.get(EngineVocabulary.GENERATION_TOKENS));
    assertFalse(v.containsKey(EngineVocabulary.CPU_SECONDS));
    assertEquals(ServingEngine.SGLANG, EngineVocabulary.engineOf(v.keySet()));
  }

  @Test
  void llamaCppHasQueueAndTokensButNoProcessMetrics() throws IOException {
    Map<String, Double> v = mapped("llamacpp");
    assertEquals(2.0, v.get(EngineVocabulary.RUNNING));
    assertEquals(4.0, v.get(EngineVocabulary.WAITING));
    assertEquals(0.25, v.get(EngineVocabulary.KV_USAGE));
    assertEquals(33065.0, v.get(EngineVocabulary.PROMPT_TOKENS));
    assertEquals(7801.0, v.get(EngineVocabulary.GENERATION_TOKENS));
    assertFalse(v.containsKey(EngineVocabulary.CPU_SECONDS));
    assertFalse(v.containsKey(EngineVocabulary.RESIDENT_BYTES));
    assertEquals(140.3, v.get("llamacpp:prompt_tokens_seconds"), "its own series kept raw");
    assertEquals(ServingEngine.LLAMA_CPP, EngineVocabulary.engineOf(v.keySet()));
    assertFalse(ServingEngine.LLAMA_CPP.processMetricsExpected());
  }

  @Test
  void tgiKvUsageIsReservedOverCapacity() throws IOException {
    Map<String, Double> v = mapped("tgi");
    assertEquals(12.0, v.get(EngineVocabulary.RUNNING));
    assertEquals(6.0, v.get(EngineVocabulary.WAITING));
    assertEquals(0.25, v.get(EngineVocabulary.KV_USAGE), 1e-12);
    assertEquals(420000.0, v.get(EngineVocabulary.PROMPT_TOKENS));
    assertEquals(31500.0, v.get(EngineVocabulary.GENERATION_TOKENS));
    assertEquals(ServingEngine.TGI, EngineVocabulary.engineOf(v.keySet()));
  }

  @Test
  void unknownExporterIsKeptRawAndUnderstoodNowhere() throws IOException {
    Map<String, Double> v = mapped("unknown");
    assertEquals(123.0, v.get("gateway_http_requests_total"));
    assertTrue(EngineVocabulary.understood(v).isEmpty());
    assertEquals(ServingEngine.UNKNOWN, EngineVocabulary.engineOf(v.keySet()));
  }

  @Test
  void identityPrefersMetricPrefixOverOwnedBy() throws IOException {
    ProbeResult gatewayRewrote = new ProbeResult(200, "", List.of("m"), "openai", "nginx", null);
    ControlAnswer llama = new ControlAnswer(200, "OK", Map.of(), text("llamacpp"), null, null);
    EngineIdentity id = EngineIdentity.of(gatewayRewrote, llama, false);
    assertEquals(ServingEngine.LLAMA_CPP, id.engine());
    assertFalse(id.processMetrics());
    assertEquals("llama.cpp", id.describe("m").get("engine"));
    assertTrue(id.describe("m").get("processMetrics").startsWith("none exported"), id.describe("m").toString());
    assertTrue(id.evidence().contains("/metrics series prefix llamacpp:") && id.evidence().contains("Server: nginx"), id.evidence());

    ProbeResult sglang = new ProbeResult(200, "", List.of("m"), "sglang", null, null);
    assertEquals(ServingEngine.SGLANG, EngineIdentity.of(sglang, ControlAnswer.failed("refused"), false).engine());
    assertEquals(ServingEngine.CAPKIT_EMULATOR, EngineIdentity.of(sglang, null, true).engine());
  }

  @Test
  void aStandaloneEmulatorIsKnownByItsServerHeaderThoughItSpeaksVllm() throws IOException {
    ProbeResult emulatorByUrl = new ProbeResult(200, "", List.of("m"), "vllm", EngineIdentity.EMULATOR_SERVER, null);
    ControlAnswer vllmNames = new ControlAnswer(200, "OK", Map.of(), text("vllm"), null, null);
    assertEquals(ServingEngine.CAPKIT_EMULATOR, EngineIdentity.of(emulatorByUrl, vllmNames, false).engine());
    ProbeResult realVllm = new ProbeResult(200, "", List.of("m"), "vllm", "uvicorn", null);
    assertEquals(ServingEngine.VLLM, EngineIdentity.of(realVllm, vllmNames, false).engine());
  }

  /** Each engine's text served over loopback: one sample line per scrape, and the warning said once. */
  @Test
  void scrapingLlamaCppSaysOnceThatItExportsNoProcessMetrics() throws Exception {
    String body = text("llamacpp");
    try (ScriptedServer server = new ScriptedServer((request, socket, out) -> {
      ScriptedServer.answer(out, 200, "OK", "text/plain; version=0.0.4", body);
      return true;
    });
         ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", null, ClientTimeouts.DEFAULTS), 1)) {
      List<String> warnings = new CopyOnWriteArrayList<>();
      try (ServerSamplesWriter out = ServerSamplesWriter.create(tmp, server.uri() + "/metrics", 0.05);
           PrometheusScraper scraper = PrometheusScraper.start(client, server.uri().resolve("/metrics"), Duration.ofMillis(50),
               out, warnings::add)) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (server.received.size() < 3 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      List<ServerSample> samples = ServerSamplesReader.read(tmp).orElseThrow().samples();
      assertTrue(samples.size() >= 3, samples.toString());
      ServerSample first = samples.stream().filter(ServerSample::ok).findFirst().orElseThrow();
      assertEquals(4.0, first.value(EngineVocabulary.WAITING));
      assertEquals(1, warnings.stream().filter(w -> w.contains("llama.cpp server exports no process metrics")).count(),
          warnings.toString());
    }
  }

  @Test
  void scrapeWithNothingUnderstoodSaysSoOnce() throws Exception {
    String body = text("unknown");
    try (ScriptedServer server = new ScriptedServer((request, socket, out) -> {
      ScriptedServer.answer(out, 200, "OK", "text/plain", body);
      return true;
    });
         ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", null, ClientTimeouts.DEFAULTS), 1)) {
      List<String> warnings = new CopyOnWriteArrayList<>();
      try (ServerSamplesWriter out = ServerSamplesWriter.create(tmp, server.uri() + "/metrics", 0.05);
           PrometheusScraper scraper = PrometheusScraper.start(client, server.uri().resolve("/metrics"), Duration.ofMillis(50),
               out, warnings::add)) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (server.received.size() < 3 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      assertEquals(1, warnings.stream().filter(w -> w.contains("none capkit understands")).count(), warnings.toString());
    }
  }
}
