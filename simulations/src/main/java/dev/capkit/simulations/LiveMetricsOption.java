package dev.capkit.simulations;

import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.loadgen.live.LiveMetrics;
import dev.capkit.loadgen.live.MetricsEndpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Properties;

/**
 * {@code -Dcapkit.metricsPort=N}: serve the run's live figures ({@link LiveMetrics}) on
 * {@code http://127.0.0.1:N/metrics} while it goes; off when unset. At the end, when anything scraped
 * the endpoint during the run, it stays up until one more scrape has read the final figures (at most
 * {@link #LINGER}), so the last step's counts reach Prometheus.
 */
final class LiveMetricsOption {
  static final String PROPERTY = "capkit.metricsPort";
  static final Duration LINGER = Duration.ofSeconds(15);

  private LiveMetricsOption() {}

  /** The endpoint, or null when the option is unset. Bad values fail before any load. */
  static MetricsEndpoint start(Properties props, LoadRun run, PrintStream out) throws IOException {
    String value = props.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new ScenarioException("-D" + PROPERTY, "", "'" + value + "' is not a port (0..65535; 0 picks a free one)");
    }
    LiveMetrics live = new LiveMetrics(run.scenario().steps(), run::origin);
    MetricsEndpoint endpoint;
    try {
      endpoint = MetricsEndpoint.start(port, live::exposition);
    } catch (IOException e) {
      throw new ScenarioException("-D" + PROPERTY, "", "cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
    }
    run.feed(live);
    out.println("capkit: live metrics (Prometheus text format) at http://127.0.0.1:" + endpoint.port() + "/metrics");
    return endpoint;
  }

  static void stop(MetricsEndpoint endpoint) {
    if (endpoint == null) {
      return;
    }
    if (endpoint.scrapes() == 0) {
      endpoint.close(); // nothing was watching
      return;
    }
    try {
      endpoint.closeAfterNextScrape(LINGER);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      endpoint.close();
    }
  }
}
