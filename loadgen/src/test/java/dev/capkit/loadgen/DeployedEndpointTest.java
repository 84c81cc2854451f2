package dev.capkit.loadgen;

import static dev.capkit.loadgen.ScriptedServer.answer;
import static dev.capkit.loadgen.ScriptedServer.chunk;
import static dev.capkit.loadgen.ScriptedServer.content;
import static dev.capkit.loadgen.ScriptedServer.endChunks;
import static dev.capkit.loadgen.ScriptedServer.finish;
import static dev.capkit.loadgen.ScriptedServer.streamHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.ClientTimeouts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints as gateways deploy them, end to end on loopback: a base path, the auth header forms,
 * extra headers, and an HTTP proxy ({@code CONNECT} for TLS, absolute form for plain HTTP).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeployedEndpointTest {

  private static final String KEY = "sk-gateway-789";
  private static final ChatRequest STREAM = new ChatRequest("chat", true,
      "{\"model\":\"m\",\"stream\":true}".getBytes(StandardCharsets.UTF_8));
  private static final ClientTimeouts TIMEOUTS = new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofSeconds(10));
  private static final ScriptedServer.Script GATEWAY = (request, socket, out) -> {
    if (request.path().endsWith("/v1/models")) {
      answer(out, 200, "OK", "application/json", "{\"data\":[{\"id\":\"m\",\"owned_by\":\"sglang\"}]}");
      return true;
    }
    streamHeaders(out);
    chunk(out, content("ok") + content("!") + finish(12, 2));
    endChunks(out);
    return true;
  };

  @TempDir
  static Path certs;
  private static TestCertificates localhost;

  @BeforeAll
  static void makeCertificate() throws Exception {
    localhost = TestCertificates.make(certs, "localhost", "dns:localhost,ip:127.0.0.1");
  }

  @Test
  void basePathNamedAuthHeaderAndExtraHeaders() throws Exception {
    try (ScriptedServer server = new ScriptedServer(GATEWAY);
         ChatClient client = new ChatClient(new ChatEndpoint(URI.create(server.uri() + "/api/"), "m", KEY, TIMEOUTS,
             EndpointOptions.DEFAULTS.withAuth(AuthHeader.parse("header:api-key"))
                 .withExtraHeaders(Map.of("X-Tenant", "load-test"))), 1)) {
      assertTrue(client.probe().get().ok());
      assertEquals(Outcome.OK, client.send(STREAM, 0).get().outcome());
      ScriptedServer.Received models = server.received.take();
      assertEquals("/api/v1/models", models.path());
      ScriptedServer.Received chat = server.received.take();
      assertEquals("/api/v1/chat/completions", chat.path());
      for (ScriptedServer.Received r : new ScriptedServer.Received[] {models, chat}) {
        assertEquals(KEY, r.headers().get("api-key"));
        assertNull(r.headers().get("authorization"));
        assertEquals("load-test", r.headers().get("x-tenant"));
      }
    }
  }

  @Test
  void bareTokenInAuthorization() throws Exception {
    try (ScriptedServer server = new ScriptedServer(GATEWAY);
         ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", KEY, TIMEOUTS,
             EndpointOptions.DEFAULTS.withAuth(AuthHeader.parse("bare"))), 1)) {
      assertEquals(Outcome.OK, client.send(STREAM, 0).get().outcome());
      assertEquals(KEY, server.received.take().headers().get("authorization"));
    }
  }

  @Test
  void httpsThroughAProxyTunnelsWithConnect() throws Exception {
    try (TestProxy proxy = new TestProxy();
         ScriptedServer server = new ScriptedServer(GATEWAY, localhost.serverContext(), null);
         ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", KEY, TIMEOUTS,
             EndpointOptions.DEFAULTS.withTls(TlsSettings.caBundle(localhost.pem())).withProxy(proxy.uri())), 1)) {
      ProbeResult probe = client.probe().get();
      assertTrue(probe.ok(), probe.problem());
      RequestRecord r = client.send(STREAM, 0).get();
      assertEquals(Outcome.OK, r.outcome(), r.error());
      assertEquals(2, r.completionTokens());
      assertEquals("CONNECT localhost:" + server.port() + " HTTP/1.1", proxy.requestLines.take());
      assertEquals("localhost", server.serverNames.take(), "TLS end to end inside the tunnel, SNI of the target");
      assertEquals("/v1/models", server.received.take().path());
      assertEquals("/v1/chat/completions", server.received.take().path());
    }
  }

  @Test
  void plainHttpThroughAProxyUsesAbsoluteForm() throws Exception {
    try (TestProxy proxy = new TestProxy();
         ScriptedServer server = new ScriptedServer(GATEWAY);
         ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", null, TIMEOUTS,
             EndpointOptions.DEFAULTS.withProxy(proxy.uri())), 1)) {
      RequestRecord r = client.send(STREAM, 0).get();
      assertEquals(Outcome.OK, r.outcome(), r.error());
      String absolute = server.uri() + "/v1/chat/completions";
      assertEquals("POST " + absolute + " HTTP/1.1", proxy.requestLines.take());
      assertEquals(absolute, server.received.take().path());
    }
  }

  @Test
  void refusedProxyNamesTheProxy() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (ChatClient client = new ChatClient(new ChatEndpoint(URI.create("https://localhost:1"), "m", null, TIMEOUTS,
        EndpointOptions.DEFAULTS.withProxy(URI.create("http://127.0.0.1:" + port))), 1)) {
      RequestRecord r = client.send(STREAM, 0).get();
      assertEquals(Outcome.CONNECT_ERROR, r.outcome());
      assertTrue(r.error().contains("via proxy 127.0.0.1:" + port) && r.error().contains("refused"), r.error());
      assertFalse(client.probe().get().ok());
    }
  }
}
