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

  private static HttpRequest request(EmbeddedEmulator emu, String id) {
    return HttpRequest.newBuilder(URI.create(emu.baseUri() + "/v1/chat/completions"))
        .header("X-Request-Id", id).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
  }
}
