package dev.capkit.loadgen;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLHandshakeException;

/**
 * The layers under HTTP for one origin ({@code scheme://host:port}): the TCP address to connect to,
 * an HTTP proxy ({@code CONNECT} for TLS, absolute-form requests for plain HTTP) and TLS with SNI
 * and host name verification. {@link #install} puts the handlers in a new channel's pipeline right
 * after {@link ReadClock} (so arrival stamps stay at the socket read, before decryption);
 * {@link #ready} completes when the channel can carry a request. Failures become messages that
 * name the target and what to do ({@link #explain}).
 */
final class TargetTransport {

  private final String origin;
  private final String host;
  private final int port;
  private final String hostHeader;
  private final SslContext ssl;
  private final InetSocketAddress proxy;
  private final InetSocketAddress connectTo;
  private final long handshakeTimeoutMillis;

  /**
   * @param uri        any URI of the origin ({@code http} or {@code https})
   * @param ssl        client context for {@code https} (ignored for {@code http})
   * @param connectVia address to connect to instead of the URI's (netem), or {@code null}
   */
  TargetTransport(URI uri, SslContext ssl, EndpointOptions options, InetSocketAddress connectVia, long handshakeTimeoutMillis) {
    boolean tls = "https".equals(uri.getScheme());
    this.host = uri.getHost();
    this.port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    this.hostHeader = uri.getPort() < 0 ? h : h + ":" + port;
    this.origin = uri.getScheme() + "://" + hostHeader;
    this.ssl = tls ? ssl : null;
    this.proxy = connectVia == null ? options.proxyAddress() : null;
    // Resolved once: DNS must not block an event loop nor add to TTFT under load.
    this.connectTo = connectVia != null ? connectVia : new InetSocketAddress(host, port);
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
  }

  String origin() {
    return origin;
  }

  String hostHeader() {
    return hostHeader;
  }

  boolean tls() {
    return ssl != null;
  }

  /** Null when fine; else why no connection can be tried (host not resolvable). */
  String unusable() {
    if (proxy != null) {
      return proxy.isUnresolved() ? "cannot resolve proxy host " + proxy.getHostString() : null;
    }
    return connectTo.isUnresolved() ? "cannot resolve host " + host + " of " + origin : null;
  }

  /** Where {@code Bootstrap.connect} goes: the proxy's {@link HttpProxyHandler} rewrites a tunnel target. */
  InetSocketAddress connectAddress() {
    if (proxy == null) {
      return connectTo;
    }
    return ssl != null ? InetSocketAddress.createUnresolved(host, port) : proxy;
  }

  /** Request line target: origin form, or absolute form for plain HTTP through a proxy. */
  String requestTarget(String path) {
    return proxy != null && ssl == null ? "http://" + hostHeader + path : path;
  }

  /** Adds the proxy and TLS handlers (call right after the read clock, before the HTTP codec). */
  void install(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    if (proxy != null && ssl != null) {
      HttpProxyHandler tunnel = new HttpProxyHandler(proxy);
      tunnel.setConnectTimeoutMillis(handshakeTimeoutMillis);
      p.addLast("proxy", tunnel);
    }
    if (ssl != null) {
      SslHandler handler = ssl.newHandler(ch.alloc(), host, port); // host: name verification
      if (!isIpLiteral(host)) {
        // The JDK sends SNI only for dotted names; a gateway routing "localhost" or a single-label
        // service name by SNI needs it too.
        SSLParameters params = handler.engine().getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(host)));
        handler.engine().setSSLParameters(params);
      }
      handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
      p.addLast("tls", handler);
    }
  }

  private static boolean isIpLiteral(String host) {
    return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  /** Completes when the connected channel can carry a request (TLS handshake done); null when it already can. */
  Future<?> ready(Channel ch) {
    SslHandler tls = ch.pipeline().get(SslHandler.class);
    return tls == null ? null : tls.handshakeFuture();
  }

  /** The TLS session's protocol and cipher suite ({@code TLSv1.3 TLS_AES_128_GCM_SHA256}), or null. */
  static String session(Channel ch) {
    SslHandler tls = ch.pipeline().get(SslHandler.class);
    if (tls == null || tls.engine().getSession() == null) {
      return null;
    }
    return tls.engine().getSession().getProtocol() + " " + tls.engine().getSession().getCipherSuite();
  }

  /** Whether a connection failure was a timeout (TCP connect, proxy or TLS handshake). */
  static boolean timedOut(Throwable cause) {
    return cause instanceof io.netty.channel.ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException
        || (cause instanceof ProxyConnectException && String.valueOf(cause.getMessage()).contains("timeout"));
  }

  /** One line naming the target, what failed and the remedy. */
  String explain(Throwable cause) {
    String target = "target " + origin;
    String via = proxy == null ? "" : " via proxy " + proxy.getHostString() + ":" + proxy.getPort();
    if (cause instanceof ProxyConnectException) {
      return target + " unreachable: proxy " + proxy.getHostString() + ":" + proxy.getPort() + " did not open a tunnel: "
          + cause.getMessage();
    }
    if (cause instanceof io.netty.channel.ConnectTimeoutException) {
      return target + " unreachable" + via + ": no connection within " + handshakeTimeoutMillis + " ms";
    }
    if (cause instanceof SslHandshakeTimeoutException) {
      return target + ": TLS handshake not done within " + handshakeTimeoutMillis + " ms: does the target speak TLS on port "
          + port + "? (a plain HTTP server needs http://)";
    }
    if (cause instanceof SSLException) {
      return tlsProblem(target, cause);
    }
    if (cause instanceof java.net.ConnectException) {
      return target + " unreachable" + via + ": connection refused";
    }
    return target + " unreachable" + via + ": " + cause.getMessage();
  }

  private String tlsProblem(String target, Throwable cause) {
    String detail = rootMessage(cause);
    if (chainHas(cause, CertPathBuilderException.class) || chainHas(cause, CertPathValidatorException.class)) {
      return target + ": TLS certificate not trusted (" + detail + "): give the CA certificate that signed it with "
          + "-Dcapkit.caBundle=<ca.pem>, or for a test server only -Dcapkit.insecure=true (no verification; the run "
          + "records it)";
    }
    if (cause instanceof SSLHandshakeException && chainHas(cause, CertificateException.class)) {
      return target + ": TLS certificate does not match host '" + host + "' (" + detail + "): use the host name the "
          + "certificate names in the target URL, or for a test server only -Dcapkit.insecure=true";
    }
    return target + ": TLS handshake failed (" + detail + "): does the target speak TLS on port " + port
        + "? (a plain HTTP server needs http://)";
  }

  private static boolean chainHas(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
