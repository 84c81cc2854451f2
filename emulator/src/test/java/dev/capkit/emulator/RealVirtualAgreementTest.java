package dev.capkit.emulator;

import dev.capkit.twin.Arrival;
import dev.capkit.twin.Profile;
import dev.capkit.twin.VirtualRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.twin.physics.TextTokenEstimate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The same seeded arrivals through the HTTP server in real time and through {@link VirtualRun}
 * agree: per request, TTFT and E2E within 30 ms + 5% (loopback HTTP, JSON parsing and thread
 * wake-ups on a shared 2-core machine are the difference), identical token counts. Each request
 * sends its own screenshot, as phone steps do, so the prefix cache finds nothing to share on either
 * side (the chat-template tokens before the image are less than one block). About 3 s of wall time.
 */
class RealVirtualAgreementTest {
  private static final String TEXT = "** Screen Info ** {\"current_app\": \"Settings\"} Open the Wi-Fi page and turn it on";

  @Test
  void realTimeMatchesVirtualTime() throws Exception {
    EmulatorOptions options = EmulatorOptions.defaults().withSeed(11);
    int textTokens = TextTokenEstimate.GENERATION_PROMPT_TOKENS + TextTokenEstimate.TOKENS_PER_MESSAGE + TextTokenEstimate.count(TEXT);
    List<Arrival> arrivals = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      arrivals.add(new Arrival(i * 0.15, "agree-" + i, "phone-step", textTokens, 1080, 2400, 40, true));
    }
    List<RequestRecord> virtual;
    List<double[]> real = new ArrayList<>();
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(options)) {
      virtual = new VirtualRun(emu.plan(), options.seed(), 1.0, Profile.PHYSICS, options.maxWaiting()).run(arrivals, 0);
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < arrivals.size(); i++) {
        bodies.add(body(i)); // encode the screenshots before the clock starts
      }
      // warm the client and server code paths so the first measured request is not a JIT outlier
      send(client, emu, "warm-up", body(99).replace("\"max_tokens\":40", "\"max_tokens\":1"));
      Thread.sleep(200);
      ExecutorService pool = Executors.newFixedThreadPool(arrivals.size());
      try {
        long t0 = System.nanoTime();
        List<Future<double[]>> futures = new ArrayList<>();
        for (Arrival a : arrivals) {
          futures.add(pool.submit(() -> {
            long at = t0 + Math.round(a.offsetSeconds() * 1e9);
            while (System.nanoTime() < at) {
              Thread.sleep(Math.max(0, (at - System.nanoTime()) / 1_000_000));
            }
            return send(client, emu, a.id(), bodies.get(Integer.parseInt(a.id().substring("agree-".length()))));
          }));
        }
        for (Future<double[]> f : futures) {
          real.add(f.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
    for (int i = 0; i < arrivals.size(); i++) {
      RequestRecord v = virtual.get(i);
      double[] r = real.get(i);
      double vTtft = v.ttftNanos() / 1e9;
      double vE2e = v.e2eNanos() / 1e9;
      assertEquals(v.completionTokens(), (int) r[2], "tokens of " + arrivals.get(i).id());
      assertEquals(vTtft, r[0], 0.030 + 0.05 * vTtft, "TTFT of " + arrivals.get(i).id());
      assertEquals(vE2e, r[1], 0.030 + 0.05 * vE2e, "E2E of " + arrivals.get(i).id());
    }
  }

  private static String body(int screenshot) {
    return "{\"model\":\"autoglm-phone-9b\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":40,"
        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
        + Screenshots.dataUrl(1080, 2400, 7 * screenshot + 1) + "\"}},{\"type\":\"text\",\"text\":" + quote(TEXT) + "}]}]}";
  }

  /** Returns {ttft s, e2e s, content chunks}. */
  private static double[] send(HttpClient client, EmbeddedEmulator emu, String id, String body) throws Exception {
    long start = System.nanoTime();
    HttpResponse<java.io.InputStream> response = client.send(HttpRequest.newBuilder(URI.create(emu.baseUri() + "/v1/chat/completions"))
        .header("X-Request-Id", id).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    double first = -1;
    double last = -1;
    int chunks = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("data: {") && line.contains("\"delta\":{\"content\":")) {
          double t = (System.nanoTime() - start) / 1e9;
          if (first < 0) {
            first = t;
          }
          last = t;
          chunks++;
        }
      }
    }
    assertTrue(first >= 0, "stream " + id + " had content");
    return new double[] {first, last, chunks};
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
