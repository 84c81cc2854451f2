package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The control API as toxiproxy clients see it: toxiproxy-java drives it unchanged. */
class ControlApiTest {

  @Test
  void toxiproxyJavaCreatesAProxyAndAddsMeasurableLatency() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      InetSocketAddress api = netem.startApi(new InetSocketAddress("127.0.0.1", 0));
      ToxiproxyClient client = new ToxiproxyClient("127.0.0.1", api.getPort());
      assertTrue(client.version().contains("2."), client.version());
      Proxy proxy = client.createProxy("echo", "127.0.0.1:0", "127.0.0.1:" + echo.address().getPort());
      InetSocketAddress listen = HostPort.parse(proxy.getListen()).resolve();
      assertTrue(listen.getPort() > 0, "the bound port is reported: " + proxy.getListen());
      assertThrows(IOException.class, () -> client.createProxy("echo", "127.0.0.1:0", "127.0.0.1:1"), "409 on a taken name");

      try (Probe p = new Probe(listen)) {
        double base = p.fastestRoundTripMs(20, 64);
        Latency latency = proxy.toxics().latency("lag", ToxicDirection.DOWNSTREAM, 25);
        Thread.sleep(20);
        double added = p.fastestRoundTripMs(10, 64) - base;
        // 25 ms added; tolerance 0 .. +3 ms (fastest of 10 tries: load only adds)
        assertTrue(added >= 24.9 && added < 28, "added " + added + " ms");
        latency.setLatency(10);
        Thread.sleep(20);
        added = p.fastestRoundTripMs(10, 64) - base;
        assertTrue(added >= 9.9 && added < 13, "after update, added " + added + " ms");
        assertEquals(10, ((Latency) proxy.toxics().get("lag")).getLatency());
        assertEquals(1, proxy.toxics().getAll().size());
        latency.remove();
        Thread.sleep(20);
        assertTrue(p.fastestRoundTripMs(10, 64) < base + 2, "removed");
      }

      proxy.disable();
      assertThrows(ConnectException.class, () -> new Probe(listen).close());
      proxy.enable();
      try (Probe p = new Probe(listen)) {
        p.roundTripMs(8);
      }
      proxy.toxics().timeout("t", ToxicDirection.UPSTREAM, 1000);
      assertEquals(2, client.getProxies().size());
      client.reset();
      assertEquals(0, client.getProxy("echo").toxics().getAll().size());
      proxy.delete();
      assertNull(client.getProxyOrNull("echo"));
    }
  }

  @Test
  void statusCodesAndShapesMatchToxiproxy() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      InetSocketAddress api = netem.startApi(new InetSocketAddress("127.0.0.1", 0));
      String base = "http://127.0.0.1:" + api.getPort();
      String up = "127.0.0.1:" + echo.address().getPort();
      assertEquals(201, call(base, "POST", "/proxies", "{\"name\":\"a\",\"upstream\":\"" + up + "\"}").statusCode());
      assertEquals(409, call(base, "POST", "/proxies", "{\"name\":\"a\",\"upstream\":\"" + up + "\"}").statusCode());
      var missing = call(base, "POST", "/proxies", "{\"name\":\"b\"}");
      assertEquals(400, missing.statusCode());
      assertTrue(missing.body().contains("\"error\":\"missing required field: upstream\"") && missing.body().contains("\"status\":400"), missing.body());
      var toxic = call(base, "POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":5}}");
      assertEquals(200, toxic.statusCode());
      assertTrue(toxic.body().contains("\"name\":\"latency_downstream\"") && toxic.body().contains("\"stream\":\"downstream\"")
          && toxic.body().contains("\"toxicity\":1.0"), toxic.body());
      assertEquals(409, call(base, "POST", "/proxies/a/toxics", "{\"type\":\"latency\"}").statusCode());
      assertEquals(400, call(base, "POST", "/proxies/a/toxics", "{\"type\":\"nope\"}").statusCode());
      assertEquals(400, call(base, "POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"stream\":\"sideways\"}").statusCode());
      var patched = call(base, "PATCH", "/proxies/a/toxics/latency_downstream", "{\"attributes\":{\"jitter\":2}}");
      assertEquals(200, patched.statusCode());
      assertTrue(patched.body().contains("\"latency\":5") && patched.body().contains("\"jitter\":2"), "merged: " + patched.body());
      assertEquals(404, call(base, "GET", "/proxies/a/toxics/zzz", null).statusCode());
      assertEquals(404, call(base, "GET", "/proxies/zzz", null).statusCode());
      assertEquals(204, call(base, "DELETE", "/proxies/a/toxics/latency_downstream", null).statusCode());
      assertEquals(405, call(base, "PUT", "/proxies", "{}").statusCode());
      var populate = call(base, "POST", "/populate", "[{\"name\":\"c\",\"upstream\":\"" + up + "\",\"listen\":\"127.0.0.1:0\"}]");
      assertEquals(201, populate.statusCode());
      assertTrue(populate.body().startsWith("{\"proxies\":[{\"name\":\"c\""), populate.body());
      assertEquals(204, call(base, "POST", "/reset", null).statusCode());
      assertEquals(204, call(base, "DELETE", "/proxies/c", null).statusCode());
      var browser = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/proxies"))
          .header("User-Agent", "Mozilla/5.0").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, browser.statusCode());
      var index = call(base, "GET", "/proxies", null);
      assertTrue(index.body().contains("\"capkit\":{\"name\":\"capkit\",\"listen\":\"127.0.0.1:") && index.body().contains("\"enabled\":true"),
          index.body());
    }
  }

  private static HttpResponse<String> call(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
