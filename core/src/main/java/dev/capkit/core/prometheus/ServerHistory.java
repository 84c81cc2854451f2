package dev.capkit.core.prometheus;

import dev.capkit.core.results.ServerSample;
import java.util.List;

/**
 * Server samples read from a Prometheus server instead of scraped by capkit, with where they come
 * from (server, queries, evaluation time, window) for the plan to record.
 *
 * @param samples samples in time order, keyed by the canonical series names of
 *                {@link dev.capkit.core.results.ServerSamplesReader#SERIES} (see {@link ResourceSeriesNames})
 * @param source  one line: the Prometheus URL, each query, the time it was evaluated at and the window
 */
public record ServerHistory(List<ServerSample> samples, String source) {
  public ServerHistory {
    samples = List.copyOf(samples);
  }
}
