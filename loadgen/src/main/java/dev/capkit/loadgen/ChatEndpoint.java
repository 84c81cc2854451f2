package dev.capkit.loadgen;

import dev.capkit.core.scenario.ClientTimeouts;
import java.net.URI;
import java.util.Objects;

/**
 * Where the load goes: an OpenAI-compatible server (vLLM, SGLang, llama.cpp's server, TGI, the
 * capkit emulator), directly or behind a gateway.
 *
 * <p>{@code baseUri} is the server root without {@code /v1}: {@code http://127.0.0.1:8000}, or
 * with a gateway's base path {@code https://gw.example.com/api} (requests then go to
 * {@code /api/v1/chat/completions} and {@code /api/v1/models}). {@code https://} uses TLS as
 * {@link TlsSettings} in {@code options} says. {@code apiKey} may be {@code null}; when set it is
 * sent as {@link EndpointOptions#auth()} says and is never printed: {@link #toString()} masks it.
 *
 * <pre>{@code
 * var endpoint = new ChatEndpoint(URI.create("https://gw.example.com/api"), "autoglm-phone-9b",
 *     System.getenv("CAPKIT_API_KEY"), ClientTimeouts.DEFAULTS,
 *     EndpointOptions.DEFAULTS.withAuth(AuthHeader.parse("header:api-key")));
 * }</pre>
 */
public record ChatEndpoint(URI baseUri, String model, String apiKey, ClientTimeouts timeouts, EndpointOptions options) {

  public ChatEndpoint {
    Objects.requireNonNull(baseUri, "baseUri");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(options, "options");
    String scheme = baseUri.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("baseUri must be http://host:port or https://host[:port][/base path], got " + baseUri);
    }
    if (baseUri.getHost() == null) {
      throw new IllegalArgumentException("baseUri has no host: " + baseUri);
    }
    if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
      throw new IllegalArgumentException("baseUri must not have a query or fragment: " + baseUri);
    }
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
    if (apiKey != null && !HeaderNames.isValue(apiKey)) {
      // never echo the key, not even in an error
      throw new IllegalArgumentException("the API key has a line break or control character (trailing newline in the key file?)");
    }
  }

  /** An endpoint with {@link EndpointOptions#DEFAULTS}: default TLS trust, {@code Authorization: Bearer}, no proxy. */
  public ChatEndpoint(URI baseUri, String model, String apiKey, ClientTimeouts timeouts) {
    this(baseUri, model, apiKey, timeouts, EndpointOptions.DEFAULTS);
  }

  /** Whether requests go over TLS. */
  public boolean tls() {
    return "https".equals(baseUri.getScheme());
  }

  /** Host name or address to connect to. */
  public String host() {
    return baseUri.getHost();
  }

  /** Port to connect to: the URI's, or 443 for https, 80 for http. */
  public int port() {
    return baseUri.getPort() >= 0 ? baseUri.getPort() : tls() ? 443 : 80;
  }

  /** Path prefix before {@code /v1}, without a trailing slash (usually empty). */
  public String pathPrefix() {
    String path = baseUri.getRawPath();
    if (path == null || path.isEmpty() || "/".equals(path)) {
      return "";
    }
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** {@code host:port} as sent in the {@code Host} header (the port only when the URI names one). */
  public String hostHeader() {
    String host = host().contains(":") && !host().startsWith("[") ? "[" + host() + "]" : host();
    return baseUri.getPort() < 0 ? host : host + ":" + port();
  }

  /** {@code scheme://host[:port]}: how messages name the target (no path, never the key). */
  public String origin() {
    return baseUri.getScheme() + "://" + hostHeader();
  }

  /** Masks the API key: it must never reach a log, a record or a report. */
  @Override
  public String toString() {
    return "ChatEndpoint[baseUri=" + baseUri + ", model=" + model
        + ", apiKey=" + (apiKey == null ? "none" : "***") + ", timeouts=" + timeouts
        + ", auth=" + options.auth().form() + ", proxy=" + options.proxy() + "]";
  }
}
