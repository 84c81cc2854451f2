package dev.capkit.netem;

import dev.capkit.netem.toxic.ConnectToxic;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection through the proxy: the accepted (frontend) channel, the upstream (backend)
 * channel dialled on the same event loop, and a {@link Pipe} per direction. All of it is touched only
 * on that event loop. When either side closes, the other is closed after its pending bytes are
 * delivered; the connection leaves the proxy's table when both channels are closed.
 */
final class NetemConnection {
  private static final Logger LOG = LoggerFactory.getLogger(NetemConnection.class);

  private final NetemProxy proxy;
  private final Channel frontend;
  private final SplittableRandom random;
  private final Map<String, Double> draws = new HashMap<>();
  private Channel backend;
  private Pipe up;
  private Pipe down;
  private boolean closed;

  NetemConnection(NetemProxy proxy, Channel frontend, long seed) {
    this.proxy = proxy;
    this.frontend = frontend;
    this.random = new SplittableRandom(seed);
  }

  java.util.function.LongConsumer latenessProbe() {
    return proxy.latenessProbe();
  }

  Channel frontend() {
    return frontend;
  }

  SplittableRandom random() {
    return random;
  }

  /** The connection's uniform draw for a toxic, fixed for its life so changing toxicity is consistent. */
  double draw(Direction direction, String toxicName) {
    return draws.computeIfAbsent(direction.key() + "/" + toxicName, k -> random.nextDouble());
  }

  /** Dials the upstream, after the connect toxics' delay. */
  void start() {
    long delay = 0;
    for (ToxicSpec spec : proxy.toxics()) {
      if (spec.toxic() instanceof ConnectToxic ct && draw(Direction.UPSTREAM, spec.name()) < spec.toxicity()) {
        delay += ct.connectDelayNanos(random);
      }
    }
    if (delay > 0) {
      frontend.eventLoop().schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    } else {
      connect();
    }
  }

  private void connect() {
    if (!frontend.isActive()) {
      return;
    }
    Bootstrap b = new Bootstrap()
        .group(frontend.eventLoop())
        .channel(proxy.transport().socketChannel)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(new BackendHandler(this));
    ChannelFuture f = b.connect(proxy.upstream());
    backend = f.channel();
    f.addListener(done -> {
      if (!done.isSuccess()) {
        LOG.debug("netem {}: upstream {} unreachable: {}", proxy.name(), proxy.upstream(), done.cause().toString());
        frontend.close();
        return;
      }
      if (!frontend.isActive()) {
        backend.close();
        return;
      }
      up = new Pipe(this, Direction.UPSTREAM, frontend, backend);
      down = new Pipe(this, Direction.DOWNSTREAM, backend, frontend);
      reconcile();
      if (!closed) {
        frontend.read();
        backend.read();
      }
    });
  }

  /** Applies the proxy's current toxics to this live connection. */
  void reconcile() {
    if (up == null || closed) {
      return;
    }
    List<ToxicSpec> toxics = proxy.toxics();
    up.reconcile(toxics);
    down.reconcile(toxics);
  }

  void fromClient(ByteBuf data) {
    if (up == null) {
      data.release();
      return;
    }
    up.onRead(data);
  }

  void fromUpstream(ByteBuf data) {
    if (down == null) {
      data.release();
      return;
    }
    down.onRead(data);
  }

  void clientWritable() {
    if (down != null) {
      down.maybeRead();
    }
  }

  void upstreamWritable() {
    if (up != null) {
      up.maybeRead();
    }
  }

  void clientClosed() {
    if (up != null) {
      up.onSourceEnded();
      down.onSinkClosed();
    } else if (backend != null) {
      backend.close();
    }
    maybeDone();
  }

  void upstreamClosed() {
    if (down != null) {
      down.onSourceEnded();
      up.onSinkClosed();
    } else {
      frontend.close();
    }
    maybeDone();
  }

  void writeFailed(Direction direction, Throwable cause) {
    LOG.debug("netem {}: {} write failed: {}", proxy.name(), direction.key(), cause.toString());
    closeNow();
  }

  /** TCP RST on both sides: SO_LINGER 0 makes close() abort the connection. */
  void reset() {
    for (Channel ch : new Channel[] {frontend, backend}) {
      if (ch != null && ch.isOpen()) {
        try {
          ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
          LOG.debug("netem {}: cannot set SO_LINGER 0 for a reset: {}", proxy.name(), e.toString());
        }
      }
    }
    closeNow();
  }

  /** Closes both sides now, dropping bytes the proxy still holds (timeouts, resets, outages). */
  void closeNow() {
    if (up != null) {
      up.onSinkClosed();
      down.onSinkClosed();
    }
    frontend.close();
    if (backend != null) {
      backend.close();
    }
    maybeDone();
  }

  private void maybeDone() {
    if (closed) {
      return;
    }
    boolean frontendGone = !frontend.isOpen();
    boolean backendGone = backend == null || !backend.isOpen();
    if (frontendGone && backendGone) {
      closed = true;
      if (up != null) {
        up.stopStages();
        down.stopStages();
      }
      proxy.unregister(this);
    }
  }

  /** Called from the channels' close futures so the table entry goes even if no handler event fires. */
  void channelClosed() {
    maybeDone();
  }
}
