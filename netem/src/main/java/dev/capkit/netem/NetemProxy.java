package dev.capkit.netem;

import dev.capkit.netem.toxic.OutageToxic;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening address relaying to one upstream through per-direction toxic chains. Toxics can be
 * added, changed and removed while connections are open: each change is handed to every live
 * connection's event loop and applies to the bytes that arrive after it (bytes already delayed keep
 * their due time; nothing held is dropped except by a toxic whose meaning is to drop).
 *
 * <p>Disabled (toxiproxy's {@code enabled=false}) or inside a {@code down} toxic's outage, the
 * listener is closed, so connects are refused, and open connections are reset; enabling binds the same
 * port again.
 *
 * <pre>{@code
 * NetemProxy p = proxies.create("vllm", "127.0.0.1:0", "127.0.0.1:8000", true);
 * p.addToxic(new ToxicSpec("lag", Direction.DOWNSTREAM, 1.0, new LatencyToxic(20, 0, JitterDistribution.UNIFORM, 0)));
 * }</pre>
 */
public final class NetemProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NetemProxy.class);

  private final String name;
  private final Transport transport;
  private final Set<NetemConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong seeds;
  private final Map<String, Long> addedAt = new HashMap<>();
  private volatile List<ToxicSpec> toxics = List.of();
  private volatile InetSocketAddress upstream;
  private volatile InetSocketAddress listen;
  private volatile boolean enabled;
  private volatile boolean closed;
  private volatile LongConsumer latenessProbe;
  private Channel server;
  private ScheduledFuture<?> outageCheck;

  NetemProxy(Transport transport, String name, InetSocketAddress listen, InetSocketAddress upstream, long seed) {
    this.transport = Objects.requireNonNull(transport);
    this.name = Objects.requireNonNull(name);
    this.listen = Objects.requireNonNull(listen);
    this.upstream = Objects.requireNonNull(upstream);
    this.seeds = new AtomicLong(seed);
  }

  public String name() {
    return name;
  }

  public InetSocketAddress upstream() {
    return upstream;
  }

  /** The address clients connect to (the bound port once started on port 0). */
  public InetSocketAddress listenAddress() {
    return listen;
  }

  public boolean isEnabled() {
    return enabled;
  }

  /** Open client connections. */
  public int connectionCount() {
    return connections.size();
  }

  /** The current toxics, in chain order (the order they were added). */
  public List<ToxicSpec> toxics() {
    return toxics;
  }

  Transport transport() {
    return transport;
  }

  /**
   * Measures this proxy's own delay error: {@code probe} receives, for every delayed chunk, how late it
   * was written relative to its due time (nanoseconds, from the worker threads concurrently); null
   * stops it. For benchmarks; costs one call per delayed chunk while set.
   */
  public void setLatenessProbe(LongConsumer probe) {
    latenessProbe = probe;
  }

  LongConsumer latenessProbe() {
    return latenessProbe;
  }

  /** Enables (binds the listener) or disables (closes it and resets open connections). */
  public synchronized void setEnabled(boolean on) {
    enabled = on;
    applyState();
  }

  /** Changes the listen address or upstream (toxiproxy's proxy update); rebinds when the listener moves. */
  public synchronized void update(InetSocketAddress newListen, InetSocketAddress newUpstream, boolean on) {
    boolean moved = !newListen.equals(listen) && !(newListen.getPort() == 0 && newListen.getAddress().equals(listen.getAddress()));
    upstream = newUpstream;
    if (moved) {
      unbind();
      listen = newListen;
    }
    enabled = on;
    applyState();
  }

  /** Adds a toxic at the end of its direction's chain; false if the name is taken. */
  public synchronized boolean addToxic(ToxicSpec spec) {
    if (find(spec.name()) != null) {
      return false;
    }
    List<ToxicSpec> next = new ArrayList<>(toxics);
    next.add(spec);
    addedAt.put(spec.name(), System.nanoTime());
    publish(next);
    return true;
  }

  /** Replaces the toxic of the same name, keeping its place; false if there is none. */
  public synchronized boolean updateToxic(ToxicSpec spec) {
    List<ToxicSpec> next = new ArrayList<>(toxics);
    for (int i = 0; i < next.size(); i++) {
      if (next.get(i).name().equals(spec.name())) {
        next.set(i, spec);
        publish(next);
        return true;
      }
    }
    return false;
  }

  /** Removes a toxic; false if there is none of that name. */
  public synchronized boolean removeToxic(String toxicName) {
    List<ToxicSpec> next = new ArrayList<>(toxics);
    boolean removed = next.removeIf(t -> t.name().equals(toxicName));
    if (removed) {
      addedAt.remove(toxicName);
      publish(next);
    }
    return removed;
  }

  /** Replaces the whole toxic set at once (a network profile); toxics unchanged by name and value keep their state. */
  public synchronized void setToxics(List<ToxicSpec> specs) {
    Map<String, ToxicSpec> byName = new HashMap<>();
    for (ToxicSpec s : specs) {
      if (byName.put(s.name(), s) != null) {
        throw new IllegalArgumentException("two toxics named '" + s.name() + "'");
      }
    }
    long now = System.nanoTime();
    Map<String, Long> times = new HashMap<>();
    for (ToxicSpec s : specs) {
      ToxicSpec old = find(s.name());
      times.put(s.name(), old != null && old.equals(s) && addedAt.containsKey(s.name()) ? addedAt.get(s.name()) : now);
    }
    addedAt.clear();
    addedAt.putAll(times);
    publish(List.copyOf(specs));
  }

  public ToxicSpec find(String toxicName) {
    for (ToxicSpec t : toxics) {
      if (t.name().equals(toxicName)) {
        return t;
      }
    }
    return null;
  }

  private void publish(List<ToxicSpec> next) {
    toxics = List.copyOf(next);
    for (NetemConnection c : connections) {
      c.frontend().eventLoop().execute(c::reconcile);
    }
    applyState();
  }

  /** Binds or unbinds according to enabled and any outage toxic, and schedules the next outage change. */
  private void applyState() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    boolean down = false;
    long nextChange = Long.MAX_VALUE;
    for (ToxicSpec t : toxics) {
      if (t.toxic() instanceof OutageToxic o) {
        long elapsed = now - addedAt.getOrDefault(t.name(), now);
        down |= o.isDown(elapsed);
        long change = o.nextChange(elapsed);
        if (change != Long.MAX_VALUE) {
          nextChange = Math.min(nextChange, change - elapsed);
        }
      }
    }
    if (outageCheck != null) {
      outageCheck.cancel(false);
      outageCheck = null;
    }
    if (nextChange != Long.MAX_VALUE) {
      outageCheck = transport.control.schedule(this::outageTick, Math.max(0, nextChange), TimeUnit.NANOSECONDS);
    }
    if (enabled && !down) {
      bind();
    } else {
      unbind();
    }
  }

  private synchronized void outageTick() {
    outageCheck = null;
    applyState();
  }

  private void bind() {
    if (server != null) {
      return;
    }
    ServerBootstrap b = new ServerBootstrap()
        .group(transport.boss, transport.workers)
        .channel(transport.serverChannel)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new FrontendHandler(NetemProxy.this));
          }
        });
    try {
      server = b.bind(listen).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + listen, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot listen on " + hostPort(listen) + ": " + e.getMessage(), e);
    }
    listen = (InetSocketAddress) server.localAddress();
    LOG.debug("netem {}: listening on {} -> {}", name, hostPort(listen), hostPort(upstream));
  }

  private void unbind() {
    if (server != null) {
      server.close().syncUninterruptibly();
      server = null;
      LOG.debug("netem {}: listener closed; resetting {} connection(s)", name, connections.size());
    }
    for (NetemConnection c : connections) {
      c.frontend().eventLoop().execute(c::reset);
    }
  }

  NetemConnection register(Channel frontend) {
    if (closed) {
      frontend.close();
      return null;
    }
    NetemConnection c = new NetemConnection(this, frontend, seeds.getAndIncrement() * 0x9E3779B97F4A7C15L);
    connections.add(c);
    return c;
  }

  void unregister(NetemConnection c) {
    connections.remove(c);
  }

  /** Closes the listener and every connection. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    if (outageCheck != null) {
      outageCheck.cancel(false);
    }
    unbind();
    closed = true;
    for (NetemConnection c : connections) {
      c.frontend().eventLoop().execute(c::closeNow);
    }
  }

  static String hostPort(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  @Override
  public String toString() {
    return "NetemProxy[" + name + " " + hostPort(listen) + " -> " + hostPort(upstream) + ", enabled=" + enabled + ", toxics=" + toxics.size() + "]";
  }
}
