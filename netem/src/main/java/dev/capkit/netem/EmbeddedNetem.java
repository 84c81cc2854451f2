package dev.capkit.netem;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;

/**
 * A netem proxy inside this JVM, for the simulations: one proxy on 127.0.0.1 (ephemeral port by
 * default) in front of one upstream, whose toxic set is replaced live by a network profile.
 *
 * <pre>{@code
 * try (EmbeddedNetem netem = EmbeddedNetem.start(new InetSocketAddress("127.0.0.1", 8000))) {
 *   netem.applyProfile(NetworkProfiles.loadDefault().get("vpc-20ms"));
 *   URI target = netem.rewrite(URI.create("http://127.0.0.1:8000"));   // http://127.0.0.1:41234
 *   // ... load goes to target; later:
 *   netem.applyProfile(NetworkProfile.none());
 * }
 * }</pre>
 */
public final class EmbeddedNetem implements AutoCloseable {
  /** The proxy's name in the control API. */
  public static final String PROXY_NAME = "capkit";

  private final Transport transport;
  private final ProxyCollection proxies;
  private final NetemProxy proxy;
  private volatile NetworkProfile profile = NetworkProfile.none();
  private ControlApi api;

  private EmbeddedNetem(Transport transport, ProxyCollection proxies, NetemProxy proxy) {
    this.transport = transport;
    this.proxies = proxies;
    this.proxy = proxy;
  }

  /** A proxy on 127.0.0.1, ephemeral port, to {@code upstream}; no toxics yet. */
  public static EmbeddedNetem start(InetSocketAddress upstream) {
    return start(new InetSocketAddress("127.0.0.1", 0), upstream, 1L);
  }

  /** A proxy on {@code listen} (port 0 for ephemeral) to {@code upstream}; {@code seed} fixes the toxics' random draws. */
  public static EmbeddedNetem start(InetSocketAddress listen, InetSocketAddress upstream, long seed) {
    Objects.requireNonNull(upstream, "upstream");
    Transport transport = Transport.create();
    ProxyCollection proxies = new ProxyCollection(transport, seed);
    try {
      NetemProxy proxy = proxies.create(PROXY_NAME, listen, upstream, true);
      return new EmbeddedNetem(transport, proxies, proxy);
    } catch (RuntimeException e) {
      proxies.close();
      transport.close();
      throw e;
    }
  }

  /** Replaces the toxic set with the profile's, live: open connections switch too. */
  public void applyProfile(NetworkProfile next) {
    proxy.setToxics(next.toxics());
    profile = next;
  }

  public NetworkProfile profile() {
    return profile;
  }

  /** Where clients connect. */
  public InetSocketAddress listenAddress() {
    return proxy.listenAddress();
  }

  /** {@code target} with host and port replaced by the proxy's (scheme, path and query kept). */
  public URI rewrite(URI target) {
    InetSocketAddress a = listenAddress();
    return URI.create(target.getScheme() + "://" + NetemProxy.hostPort(a)
        + (target.getRawPath() == null ? "" : target.getRawPath())
        + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
  }

  /** The proxy, for finer control (single toxics, enable/disable). */
  public NetemProxy proxy() {
    return proxy;
  }

  /** Also serves the toxiproxy-compatible control API (e.g. 127.0.0.1:8474, or port 0); returns its address. */
  public synchronized InetSocketAddress startApi(InetSocketAddress address) {
    if (api == null) {
      api = ControlApi.start(proxies, address);
    }
    return api.address();
  }

  @Override
  public synchronized void close() {
    if (api != null) {
      api.close();
    }
    proxies.close();
    transport.close();
  }
}
