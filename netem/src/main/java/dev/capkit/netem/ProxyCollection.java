package dev.capkit.netem;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * The named proxies of one netem instance, sharing its threads: what toxiproxy's API manages.
 * Names are unique; creation binds at once when enabled.
 */
public final class ProxyCollection implements AutoCloseable {
  private final Transport transport;
  private final Map<String, NetemProxy> proxies = new TreeMap<>();
  private long seed;

  ProxyCollection(Transport transport, long seed) {
    this.transport = transport;
    this.seed = seed;
  }

  /** Creates and (when enabled) starts a proxy; null when the name is taken. Binding errors propagate. */
  public synchronized NetemProxy create(String name, InetSocketAddress listen, InetSocketAddress upstream, boolean enabled) {
    if (proxies.containsKey(name)) {
      return null;
    }
    NetemProxy p = new NetemProxy(transport, name, listen, upstream, seed++ << 32);
    p.setEnabled(enabled);
    proxies.put(name, p);
    return p;
  }

  /** Creates, or replaces a proxy of the same name (toxiproxy's populate). */
  public synchronized NetemProxy createOrReplace(String name, InetSocketAddress listen, InetSocketAddress upstream, boolean enabled) {
    NetemProxy old = proxies.remove(name);
    if (old != null) {
      if (old.listenAddress().equals(listen) && old.upstream().equals(upstream)) {
        proxies.put(name, old);
        old.setEnabled(enabled);
        return old;
      }
      old.close();
    }
    return create(name, listen, upstream, enabled);
  }

  public synchronized NetemProxy get(String name) {
    return proxies.get(name);
  }

  public synchronized Map<String, NetemProxy> all() {
    return Map.copyOf(proxies);
  }

  /** Stops and forgets a proxy; false if unknown. */
  public synchronized boolean remove(String name) {
    NetemProxy p = proxies.remove(name);
    if (p != null) {
      p.close();
    }
    return p != null;
  }

  /** toxiproxy's reset: every proxy enabled, every toxic removed. */
  public synchronized void reset() {
    for (NetemProxy p : proxies.values()) {
      p.setToxics(java.util.List.of());
      p.setEnabled(true);
    }
  }

  @Override
  public synchronized void close() {
    for (NetemProxy p : proxies.values()) {
      p.close();
    }
    proxies.clear();
  }
}
