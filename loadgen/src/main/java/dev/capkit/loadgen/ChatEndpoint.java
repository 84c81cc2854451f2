package dev.capkit.loadgen;

import dev.capkit.core.scenario.ClientTimeouts;
import java.net.URI;
import java.util.Objects;

/**
 * Where the load goes: an OpenAI-compatible server (vLLM, SGLang, the capkit emulator).
 *
 * <p>{@code baseUri} is the server root without {@code /v1} (for example
 * {@code http://127.0.0.1:8000}); the client appends {@code /v1/chat/completions} and
 * {@code /v1/models}. {@code apiKey} may be {@code null}; when set it is sent as
 * {@code Authorization: Bearer} and is never printed: {@link #toString()} masks it.
 *
 * <pre>{@code
 * var endpoint = new ChatEndpoint(URI.create("http://127.0.0.1:8000"), "autoglm-phone-9b",
 *     System.getenv("CAPKIT_API_KEY"), ClientTimeouts.DEFAULTS);
 * }</pre>
 */
public record ChatEndpoint(URI baseUri, String model, String apiKey, ClientTimeouts timeouts) {

  public ChatEndpoint {
    Objects.requireNonNull(baseUri, "baseUri");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(timeouts, "timeouts");
    String scheme = baseUri.getScheme();
    if (!"http".equals(scheme)) {
      // TLS is not wired yet; failing here beats a confusing handshake error under load.
      throw new IllegalArgumentException(
          "baseUri must be http://host:port (https is not supported yet), got " + baseUri);
    }
    if (baseUri.getHost() == null) {
      throw new IllegalArgumentException("baseUri has no host: " + baseUri);
    }
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
  }

  /** Host name or address to connect to. */
  public String host() {
    return baseUri.getHost();
  }

  /** Port to connect to: the URI's, or 80. */
  public int port() {
    return baseUri.getPort() < 0 ? 80 : baseUri.getPort();
  }

  /** Path prefix before {@code /v1}, without a trailing slash (usually empty). */
  public String pathPrefix() {
    String path = baseUri.getRawPath();
    if (path == null || path.isEmpty() || "/".equals(path)) {
      return "";
    }
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** {@code host:port} as sent in the {@code Host} header. */
  public String hostHeader() {
    return baseUri.getPort() < 0 ? host() : host() + ":" + port();
  }

  /** Masks the API key: it must never reach a log, a record or a report. */
  @Override
  public String toString() {
    return "ChatEndpoint[baseUri=" + baseUri + ", model=" + model
        + ", apiKey=" + (apiKey == null ? "none" : "***") + ", timeouts=" + timeouts + "]";
  }
}
