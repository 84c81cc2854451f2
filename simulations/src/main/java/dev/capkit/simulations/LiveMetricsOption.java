package dev.capkit.simulations;

import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.loadgen.live.LiveMetrics;
import dev.capkit.loadgen.live.MetricsEndpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

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

  /** The endpoint, or null when the option is unset ({@link dev.capkit.core.run.RunOptions#metricsPort()} validated it). */
  static MetricsEndpoint start(Integer port, LoadRun run, PrintStream out) {
    if (port == null) {
      return null;
    }
    LiveMetrics live = new LiveMetrics(run.scenario().steps(), run::stepsOrigin);
    MetricsEndpoint endpoint;
    try {
      endpoint = MetricsEndpoint.start(port, live::exposition);
    } catch (IOException e) {
      throw new ScenarioException("-D" + PROPERTY, "", "cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
    }
    run.observe(live);
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
