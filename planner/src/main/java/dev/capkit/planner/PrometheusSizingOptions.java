package dev.capkit.planner;

import dev.capkit.core.cli.CommandLine;
import dev.capkit.core.prometheus.PrometheusHistory;
import dev.capkit.core.prometheus.ResourceSeriesNames;
import dev.capkit.core.prometheus.ServerHistory;
import dev.capkit.core.scenario.Durations;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code ./capkit plan ... --prometheus URL [--since 7d] [--selector '{...}'] [--series process|cadvisor]}:
 * the container is sized from a Prometheus server's history of one container (krr's and VPA's input)
 * instead of the samples capkit scraped during the runs; the tier table still comes from the runs.
 */
final class PrometheusSizingOptions {
  static final Duration DEFAULT_SINCE = Duration.ofDays(7);

  private PrometheusSizingOptions() {}

  /** {@code 7d} (days, as krr and Prometheus write windows) or any capkit duration ({@code 36h}, {@code 90m}). */
  static Duration window(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.matches("\\d+(\\.\\d+)?d")) {
      return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 86_400));
    }
    try {
      return Durations.parse(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a window (use e.g. 7d, 36h, 90m)");
    }
  }

  /** The history, or null without {@code --prometheus}; bad options and unreadable history throw with the option named. */
  static ServerHistory history(CommandLine cl) {
    if (cl.value("--prometheus").isEmpty()) {
      for (String o : new String[] {"--since", "--selector", "--series"}) {
        if (cl.value(o).isPresent()) {
          throw new PlanException(o + ": only used with --prometheus URL");
        }
      }
      return null;
    }
    String url = cl.value("--prometheus").get();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new PlanException("--prometheus: '" + url + "' is not an http(s) URL (e.g. http://prometheus:9090)");
    }
    Duration since;
    try {
      since = cl.value("--since").map(PrometheusSizingOptions::window).orElse(DEFAULT_SINCE);
    } catch (IllegalArgumentException e) {
      throw new PlanException("--since: " + e.getMessage());
    }
    ResourceSeriesNames names;
    try {
      names = ResourceSeriesNames.of(cl.value("--series").orElse("process"));
    } catch (IllegalArgumentException e) {
      throw new PlanException("--series: " + e.getMessage());
    }
    return PrometheusHistory.fetch(uri, cl.value("--selector").orElse(""), names, Instant.now(), since);
  }
}
