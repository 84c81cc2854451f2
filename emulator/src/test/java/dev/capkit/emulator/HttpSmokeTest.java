package dev.capkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HttpSmokeTest {
  @Test
  void streamsAScreenshotStep() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults())) {
      System.out.println(emu.describe());
      String body = "{\"model\":\"autoglm-phone-9b\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
          + "\"max_tokens\":3000,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
          + Screenshots.dataUrl(1080, 2400) + "\"}},{\"type\":\"text\",\"text\":\"Open settings\"}]}]}";
      HttpClient client = HttpClient.newHttpClient();
      long t0 = System.nanoTime();
      HttpResponse<java.util.stream.Stream<String>> r = client.send(
          HttpRequest.newBuilder(URI.create(emu.baseUri() + "/v1/chat/completions"))
              .header("X-Request-Id", "smoke-1").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, r.statusCode());
      assertEquals("smoke-1", r.headers().firstValue("x-request-id").orElse(""));
      List<String> lines = r.body().filter(l -> !l.isEmpty()).collect(Collectors.toList());
      System.out.printf("%d events in %.3f s%n", lines.size(), (System.nanoTime() - t0) / 1e9);
      System.out.println(lines.get(0));
      System.out.println(lines.get(lines.size() - 2));
      assertEquals("data: [DONE]", lines.get(lines.size() - 1));
      assertTrue(lines.get(lines.size() - 2).contains("\"usage\""));
    }
  }
}
