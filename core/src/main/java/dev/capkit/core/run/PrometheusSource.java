package dev.capkit.core.run;

import dev.capkit.core.prometheus.ResourceSeriesNames;
import java.net.URI;

/**
 * {@code -Dcapkit.prometheus=URL}, {@code -Dcapkit.prometheusSelector}, {@code -Dcapkit.prometheusSeries}:
 * a run takes its target's server samples from this Prometheus over the run's window instead of
 * scraping the target's {@code /metrics}.
 *
 * @param url      the Prometheus server (http or https)
 * @param selector label selector picking the target's one container, e.g. {@code {pod="vllm-0"}} ("" = none)
 * @param series   which CPU and memory series ({@link ResourceSeriesNames#key()})
 */
public record PrometheusSource(URI url, String selector, ResourceSeriesNames series) {}
