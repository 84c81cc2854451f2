package dev.capkit.loadgen.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} (Prometheus text format) on a loopback port with the JDK's HTTP server,
 * one thread. Loopback only: a run's figures are for the machine's own Prometheus (or an SSH tunnel).
 * At the end of a run {@link #closeAfterNextScrape} keeps the endpoint up until Prometheus has read
 * the final figures once (or a bound passes), so the last step's counts reach Prometheus.
 *
 * <pre>{@code
 * try (MetricsEndpoint endpoint = MetricsEndpoint.start(9464, live::exposition)) { ... }
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong completed = new AtomicLong(); // the highest started-number whose answer was written

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port). */
  public static MetricsEndpoint start(int port, Supplier<String> exposition) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "capkit-metrics-endpoint");
      t.setDaemon(true);
      return t;
    });
    MetricsEndpoint endpoint = new MetricsEndpoint(server, executor);
    server.createContext("/metrics", exchange -> endpoint.serve(exchange, exposition));
    server.setExecutor(executor);
    server.start();
    return endpoint;
  }

  private void serve(HttpExchange exchange, Supplier<String> exposition) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      long number = started.incrementAndGet();
      byte[] body = exposition.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      completed.accumulateAndGet(number, Math::max);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Scrapes answered so far. */
  public long scrapes() {
    return completed.get();
  }

  /**
   * Waits until a scrape that started after this call has been answered (so it holds every figure
   * recorded before the call), at most {@code max}, then closes. Returns whether that scrape came.
   */
  public boolean closeAfterNextScrape(Duration max) throws InterruptedException {
    long before = started.get();
    long deadline = System.nanoTime() + max.toNanos();
    while (completed.get() <= before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    boolean scraped = completed.get() > before;
    close();
    return scraped;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
