package dev.capkit.loadgen;

import static dev.capkit.loadgen.ScriptedServer.answer;
import static dev.capkit.loadgen.ScriptedServer.chunk;
import static dev.capkit.loadgen.ScriptedServer.content;
import static dev.capkit.loadgen.ScriptedServer.endChunks;
import static dev.capkit.loadgen.ScriptedServer.finish;
import static dev.capkit.loadgen.ScriptedServer.streamHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.core.scenario.ClientTimeouts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https://} targets against a loopback TLS server whose certificate this test makes with
 * keytool: the same figures as over plain HTTP, SNI and host name checks, TLS 1.2 and 1.3, an
 * untrusted certificate refused with the remedy in the message unless the insecure opt-in is given,
 * and the {@code /v1/models} probe and {@code /metrics} scrape over TLS too. Wall-clock bounds as
 * in {@link ChatClientTest}: lower bounds exact, upper bounds generous for a loaded 2-core machine.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {

  private static final long MS = 1_000_000L;
  private static final String KEY = "sk-tls-secret-456";
  private static final ChatRequest STREAM = new ChatRequest("text-chat", true,
      "{\"model\":\"m\",\"stream\":true}".getBytes(StandardCharsets.UTF_8));
  private static final ClientTimeouts TIMEOUTS = new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofSeconds(10));
  private static final ScriptedServer.Script STEADY = (request, socket, out) -> {
    if (request.path().endsWith("/v1/models")) {
      answer(out, 200, "OK", "application/json", "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"owned_by\":\"vllm\"}]}");
      return true;
    }
    if (request.path().endsWith("/metrics")) {
      answer(out, 200, "OK", "text/plain; version=0.0.4", "process_cpu_seconds_total 12.5\n"
          + "vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 3.0\n");
      return true;
    }
    Thread.sleep(60); // "prefill"
    streamHeaders(out);
    for (String token : new String[] {"Tap", "(", "x", ")"}) {
      chunk(out, content(token));
      Thread.sleep(40);
    }
    chunk(out, finish(120, 4));
    endChunks(out);
    return true;
  };

  @TempDir
  static Path certs;
  private static TestCertificates localhost;
  private static TestCertificates elsewhere;

  private ScriptedServer server;
  private ChatClient client;

  @BeforeAll
  static void makeCertificates() throws Exception {
    localhost = TestCertificates.make(certs, "localhost", "dns:localhost,ip:127.0.0.1");
    elsewhere = TestCertificates.make(certs, "elsewhere", "dns:gateway.example.com");
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private ChatClient client(URI base, TlsSettings tls) {
    client = new ChatClient(new ChatEndpoint(base, "m", KEY, TIMEOUTS, EndpointOptions.DEFAULTS.withTls(tls)), 1);
    return client;
  }

  @Test
  void measuresTheSameFiguresAsPlainHttp() throws Exception {
    List<RequestRecord> plain;
    try (ScriptedServer http = new ScriptedServer(STEADY);
         ChatClient c = new ChatClient(new ChatEndpoint(http.uri(), "m", KEY, TIMEOUTS), 1)) {
      plain = List.of(c.send(STREAM, 0).get(), c.send(STREAM, 0).get());
    }
    server = new ScriptedServer(STEADY, localhost.serverContext(), null);
    ChatClient c = client(server.uri(), TlsSettings.caBundle(localhost.pem()));
    List<RequestRecord> tls = List.of(c.send(STREAM, 0).get(), c.send(STREAM, 0).get());

    for (int i = 0; i < 2; i++) {
      RequestRecord p = plain.get(i);
      RequestRecord t = tls.get(i);
      assertEquals(Outcome.OK, t.outcome(), t.error());
      assertEquals(p.outcome(), t.outcome());
      assertEquals(p.promptTokens(), t.promptTokens());
      assertEquals(p.completionTokens(), t.completionTokens());
      assertEquals(p.itlNanos().length, t.itlNanos().length);
      for (RequestRecord r : List.of(p, t)) {
        assertTrue(r.ttftNanos() >= 60 * MS && r.ttftNanos() < 5_000 * MS, "ttft " + r.ttftNanos()); // the first pays a cold handshake
        // 60 ms before the first token, 40 ms after each: nothing can end sooner (single gaps can
        // shrink on a loaded machine when a late read catches up with the next chunk).
        assertTrue(r.e2eNanos() >= 175 * MS, "e2e " + r.e2eNanos() + " itl " + java.util.Arrays.toString(r.itlNanos()));
        for (long gap : r.itlNanos()) {
          assertTrue(gap < 1_000 * MS, "itl " + java.util.Arrays.toString(r.itlNanos()));
        }
      }
    }
    // The second request reuses the kept-alive TLS connection: no handshake in its TTFT, so it
    // sits as close to the plain one as two runs on a shared machine allow.
    long diff = Math.abs(tls.get(1).ttftNanos() - plain.get(1).ttftNanos());
    assertTrue(diff < 500 * MS, "TTFT over TLS " + tls.get(1).ttftNanos() / MS + " ms vs plain " + plain.get(1).ttftNanos() / MS + " ms");
    assertEquals(1, server.connections.get(), "one TLS connection, kept alive");
    assertEquals("localhost", server.serverNames.take(), "SNI carries the URL's host name");
    ScriptedServer.Received got = server.received.take();
    assertEquals("/v1/chat/completions", got.path());
    assertEquals("Bearer " + KEY, got.headers().get("authorization"));
    assertEquals("localhost:" + server.port(), got.headers().get("host"));
  }

  @Test
  void probeAndScrapeGoOverTlsToo() throws Exception {
    server = new ScriptedServer(STEADY, localhost.serverContext(), null);
    ChatClient c = client(server.uri(), TlsSettings.caBundle(localhost.pem()));
    ProbeResult probe = c.probe().get();
    assertTrue(probe.ok(), probe.problem());
    assertEquals("vllm", probe.ownedBy());
    assertTrue(probe.tls().startsWith("TLSv1.3 "), probe.tls());

    Path run = certs.resolve("run-" + System.nanoTime());
    java.nio.file.Files.createDirectories(run);
    URI metrics = server.uri().resolve("/metrics");
    try (ServerSamplesWriter out = ServerSamplesWriter.create(run, metrics.toString(), 0.05);
         PrometheusScraper scraper = PrometheusScraper.start(c, metrics, Duration.ofMillis(50), out, w -> { })) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (server.received.stream().filter(r -> r.path().equals("/metrics")).count() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    List<ServerSample> samples = ServerSamplesReader.read(run).orElseThrow().samples();
    assertFalse(samples.isEmpty());
    assertTrue(samples.get(0).ok(), samples.toString());
    assertEquals(12.5, samples.get(0).value("process_cpu_seconds_total"));
  }

  @Test
  void tls12OnlyServerIsServed() throws Exception {
    server = new ScriptedServer(STEADY, localhost.serverContext(), new String[] {"TLSv1.2"});
    ChatClient c = client(server.uri(), TlsSettings.caBundle(localhost.pem()));
    ProbeResult probe = c.probe().get();
    assertTrue(probe.ok(), probe.problem());
    assertTrue(probe.tls().startsWith("TLSv1.2 "), probe.tls());
    RequestRecord r = c.send(STREAM, 0).get();
    assertEquals(Outcome.OK, r.outcome(), r.error());
  }

  @Test
  void untrustedCertificateIsRefusedWithTheRemedyUnlessInsecure() throws Exception {
    server = new ScriptedServer(STEADY, localhost.serverContext(), null);
    ChatClient c = client(server.uri(), TlsSettings.DEFAULT); // the JDK's CAs never signed a test certificate
    ProbeResult probe = c.probe().get();
    assertFalse(probe.ok());
    String origin = "https://localhost:" + server.port();
    assertTrue(probe.problem().contains("target " + origin + ": TLS certificate not trusted"), probe.problem());
    assertTrue(probe.problem().contains("-Dcapkit.caBundle=") && probe.problem().contains("-Dcapkit.insecure=true"),
        probe.problem());
    RequestRecord r = c.send(STREAM, 0).get();
    assertEquals(Outcome.CONNECT_ERROR, r.outcome());
    assertTrue(r.error().contains("TLS certificate not trusted"), r.error());
    assertTrue(server.received.isEmpty(), "nothing is sent over an unverified connection");
    c.close();

    ChatClient insecure = client(server.uri(), TlsSettings.insecureOptIn());
    assertTrue(insecure.probe().get().ok());
    assertEquals(Outcome.OK, insecure.send(STREAM, 0).get().outcome());
  }

  @Test
  void certificateForAnotherHostIsRefused() throws Exception {
    server = new ScriptedServer(STEADY, elsewhere.serverContext(), null);
    ChatClient c = client(server.uri(), TlsSettings.caBundle(elsewhere.pem()));
    ProbeResult probe = c.probe().get();
    assertFalse(probe.ok());
    assertTrue(probe.problem().contains("TLS certificate does not match host 'localhost'"), probe.problem());
  }

  @Test
  void plainServerBehindAnHttpsUrlIsExplained() throws Exception {
    server = new ScriptedServer(STEADY);
    URI wrong = URI.create("https://localhost:" + server.port());
    client = new ChatClient(new ChatEndpoint(wrong, "m", KEY, new ClientTimeouts(Duration.ofMillis(500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)), EndpointOptions.DEFAULTS.withTls(TlsSettings.caBundle(localhost.pem()))), 1);
    ChatClient c = client;
    ProbeResult probe = c.probe().get();
    assertFalse(probe.ok());
    assertTrue(probe.problem().contains("does the target speak TLS"), probe.problem());
  }

  @Test
  void badCaBundleFailsBeforeAnyConnection() throws Exception {
    Path missing = certs.resolve("missing.pem");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.caBundle(missing).clientContext());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    Path notPem = certs.resolve("not.pem");
    java.nio.file.Files.writeString(notPem, "hello\n");
    e = assertThrows(IllegalArgumentException.class, () -> TlsSettings.caBundle(notPem).clientContext());
    assertTrue(e.getMessage().contains(notPem.toString()), e.getMessage());
  }
}
