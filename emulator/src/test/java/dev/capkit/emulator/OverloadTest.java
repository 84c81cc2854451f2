package dev.capkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Far past saturation the server refuses with 429 + Retry-After instead of queueing without bound,
 * keeps its modelled memory bounded, and answers normally once the load stops. max_num_seqs 4 and
 * a waiting bound of 8 make "10x sustainable" a burst of 80 requests; ~2 s of wall time.
 */
class OverloadTest {
  private static final String BODY = "{\"model\":\"autoglm-phone-9b\",\"stream\":true,\"max_tokens\":20,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Summarize the screen in one line\"}]}";

  @Test
  void refusesWith429ThenRecovers() throws Exception {
    EmulatorOptions options = EmulatorOptions.defaults().withMaxNumSeqs(4).withMaxWaiting(8);
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(options)) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        burst.add(client.sendAsync(request(emu, "burst-" + i), HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int refused = 0;
      for (CompletableFuture<HttpResponse<String>> f : burst) {
        HttpResponse<String> r = f.get();
        if (r.statusCode() == 200) {
          ok++;
          assertTrue(r.body().endsWith("data: [DONE]\n\n"), "accepted streams complete");
        } else {
          assertEquals(429, r.statusCode());
          assertEquals("1", r.headers().firstValue("retry-after").orElse(""));
          assertTrue(r.body().contains("\"type\":\"RateLimitError\""), r.body());
          refused++;
        }
        assertTrue(emu.metrics().waiting() <= 8, "waiting queue bounded");
      }
      assertTrue(refused >= 40, "most of a 10x burst is refused, got " + refused + " refusals");
      assertTrue(ok >= 12, "running + waiting capacity is served, got " + ok);
      assertEquals(refused, emu.metrics().rejectedCount());
      // modelled memory: base 3 GiB + at most 12 text requests x 0.2 MiB in flight, all released now
      assertEquals(3.0 * (1L << 30), emu.metrics().residentBytes(), 1.0);

      HttpResponse<String> after = client.send(request(emu, "after"), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, after.statusCode(), "recovers once the burst has drained");
      assertTrue(after.body().endsWith("data: [DONE]\n\n"));
    }
  }

  /**
   * With vLLM's bounds opened wide (max_num_seqs and the waiting queue 1,000 each, as the ceiling benchmark runs it)
   * the emulator's own in-flight bound still refuses the excess with 429, and what it admits completes: the
   * emulator keeps serving instead of holding ever more streams. The old engine (no in-flight bound) admitted all 40.
   */
  @Test
  void inFlightBoundRefusesTheExcessWhenVllmsBoundsAreWide() throws Exception {
    // slowdown 3: each admitted 20-token stream stays in flight ~0.6 s, far longer than the burst takes to arrive
    // even on a loaded machine, so the bound (not the arrival spread) decides how many are admitted
    EmulatorOptions options = EmulatorOptions.defaults().withMaxNumSeqs(1000).withMaxWaiting(1000).withMaxInFlight(8)
        .withSlowdown(3);
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(options)) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      long maxInFlight = 0;
      for (int i = 0; i < 40; i++) {
        burst.add(client.sendAsync(request(emu, "wide-" + i), HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int refused = 0;
      for (CompletableFuture<HttpResponse<String>> f : burst) {
        maxInFlight = Math.max(maxInFlight, emu.metrics().inFlight());
        HttpResponse<String> r = f.get();
        if (r.statusCode() == 200) {
          ok++;
          assertTrue(r.body().endsWith("data: [DONE]\n\n"), "admitted streams complete");
        } else {
          assertEquals(429, r.statusCode());
          assertTrue(r.body().contains("(the emulator's bound: 8)"), r.body());
          refused++;
        }
      }
      // at most 8 (+1 per event loop racing the check) are admitted before the first finishes
      int loops = Runtime.getRuntime().availableProcessors();
      assertTrue(refused >= 20, "most of the burst refused by the in-flight bound, got " + refused);
      assertTrue(ok >= 8, "the bound's worth is served, got " + ok);
      assertTrue(maxInFlight <= 8 + loops, "in flight stays at the bound, saw " + maxInFlight);
      assertEquals(0, emu.metrics().inFlight(), "all released");
      HttpResponse<String> after = client.send(request(emu, "after-wide"), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, after.statusCode(), "serves again once the burst has drained");
    }
  }

  @Test
  void theDefaultBoundComesFromTheHeap() {
    assertEquals(Math.max(1024, Runtime.getRuntime().maxMemory() / (128 << 10)), EmulatorOptions.defaults().effectiveMaxInFlight());
    assertEquals(5, EmulatorOptions.defaults().withMaxInFlight(5).effectiveMaxInFlight());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> EmulatorOptions.defaults().withMaxInFlight(-1));
  }

  private static HttpRequest request(EmbeddedEmulator emu, String id) {
    return HttpRequest.newBuilder(URI.create(emu.baseUri() + "/v1/chat/completions"))
        .header("X-Request-Id", id).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
  }
}
