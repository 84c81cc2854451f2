package dev.capkit.netem;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} text as toxiproxy and the CLI take it ({@code 127.0.0.1:8000}, {@code [::1]:8000},
 * {@code localhost:8000}, {@code :8474} meaning loopback). Loopback when the host is empty: netem never
 * listens beyond loopback unless an address says so.
 */
public record HostPort(String host, int port) {
  public HostPort {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
  }

  /** Parses {@code host:port}; a message names what is wrong. */
  public static HostPort parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected host:port, found nothing");
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port, found '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected host:port with a numeric port, found '" + text + "'", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], found '" + text + "'");
    }
    return new HostPort(host.isEmpty() ? "127.0.0.1" : host, port);
  }

  /** Resolves the host now (so a bad name fails at configuration time, not at the first connection). */
  public InetSocketAddress resolve() {
    InetSocketAddress a = new InetSocketAddress(host, port);
    if (a.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve host '" + host + "'");
    }
    return a;
  }
}
