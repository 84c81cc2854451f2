package dev.capkit.loadgen;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How an endpoint is reached as it is deployed: TLS trust, the auth header form, extra headers a
 * gateway wants (tenant, routing), an HTTP proxy, and optionally another address to connect to
 * (capkit's netem proxy) while the URL's host stays the one used for SNI, certificate checks and
 * the {@code Host} header.
 *
 * <p>Through a proxy ({@code http://proxy:3128}), an {@code https://} target is reached with
 * {@code CONNECT host:port} and TLS end to end inside the tunnel; a plain {@code http://} target
 * is asked for in absolute form ({@code POST http://host:port/v1/chat/completions}), as curl and
 * the JDK do. Proxy credentials are not supported (they would have to come from a flag).
 *
 * <pre>{@code
 * var options = EndpointOptions.DEFAULTS
 *     .withTls(TlsSettings.caBundle(Path.of("ca.pem")))
 *     .withAuth(AuthHeader.parse("header:api-key"))
 *     .withExtraHeaders(Map.of("X-Tenant", "load-test"));
 * }</pre>
 *
 * @param tls          trust for {@code https://} targets (ignored for {@code http://})
 * @param auth         how the API key is sent
 * @param extraHeaders sent with every request (chat, probe, scrape, tokenize), in order
 * @param proxy        {@code http://host:port} of an HTTP proxy, or {@code null}
 * @param connectVia   address to open connections to instead of the URL's host and port, or {@code null}
 */
public record EndpointOptions(TlsSettings tls, AuthHeader auth, Map<String, String> extraHeaders, URI proxy,
    InetSocketAddress connectVia) {

  /** Headers capkit sets itself; an extra header must not replace them. */
  static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "transfer-encoding",
      "connection", "accept", "traceparent", "x-request-id", "x-capkit-plan-key");

  public static final EndpointOptions DEFAULTS = new EndpointOptions(TlsSettings.DEFAULT, AuthHeader.BEARER, Map.of(),
      null, null);

  public EndpointOptions {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth");
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : extraHeaders.entrySet()) {
      String name = e.getKey();
      if (!HeaderNames.isToken(name)) {
        throw new IllegalArgumentException("extra header '" + name + "': not an HTTP header name");
      }
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("extra header '" + name + "': capkit sets this header itself");
      }
      if (name.equalsIgnoreCase(auth.headerName())) {
        throw new IllegalArgumentException("extra header '" + name + "': it carries the API key (" + auth.form()
            + "); the key comes from CAPKIT_API_KEY or -Dcapkit.apiKeyFile only");
      }
      if (!HeaderNames.isValue(e.getValue())) {
        throw new IllegalArgumentException("extra header '" + name + "': value has a line break or control character");
      }
      copy.put(name, e.getValue());
    }
    extraHeaders = Collections.unmodifiableMap(copy);
    if (proxy != null) {
      if (!"http".equals(proxy.getScheme()) || proxy.getHost() == null) {
        throw new IllegalArgumentException("proxy '" + proxy + "' must be http://host:port (an HTTP proxy; https "
            + "targets go through it with CONNECT)");
      }
      if (proxy.getPort() < 0) {
        throw new IllegalArgumentException("proxy '" + proxy + "' must name its port (http://host:port)");
      }
      if (proxy.getUserInfo() != null) {
        throw new IllegalArgumentException("proxy '" + proxy.getHost() + "': credentials in the proxy URL are not "
            + "supported (they would show in process listings)");
      }
    }
  }

  public EndpointOptions withTls(TlsSettings v) {
    return new EndpointOptions(v, auth, extraHeaders, proxy, connectVia);
  }

  public EndpointOptions withAuth(AuthHeader v) {
    return new EndpointOptions(tls, v, extraHeaders, proxy, connectVia);
  }

  public EndpointOptions withExtraHeaders(Map<String, String> v) {
    return new EndpointOptions(tls, auth, v, proxy, connectVia);
  }

  public EndpointOptions withProxy(URI v) {
    return new EndpointOptions(tls, auth, extraHeaders, v, connectVia);
  }

  public EndpointOptions withConnectVia(InetSocketAddress v) {
    return new EndpointOptions(tls, auth, extraHeaders, proxy, v);
  }

  /** The proxy's address (resolved now: DNS must not block an event loop), or {@code null}. */
  InetSocketAddress proxyAddress() {
    return proxy == null ? null : new InetSocketAddress(proxy.getHost(), proxy.getPort());
  }
}
