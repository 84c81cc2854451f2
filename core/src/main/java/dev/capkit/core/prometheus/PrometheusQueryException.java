package dev.capkit.core.prometheus;

/** A Prometheus history that could not be read; the message names the option, the query and the answer. */
public final class PrometheusQueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PrometheusQueryException(String message) {
    super(message);
  }
}
