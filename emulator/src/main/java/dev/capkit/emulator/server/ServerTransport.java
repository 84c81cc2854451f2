package dev.capkit.emulator.server;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Netty transport: native epoll on Linux when its library loads, NIO otherwise (or
 * when {@code -Dcapkit.emulator.transport=nio} asks for it).
 *
 * <p>Why epoll: a task scheduled on an epoll event loop less than 10 ms ahead wakes the loop
 * through a timerfd, to within tens of microseconds; NIO's {@code Selector.select(millis)} rounds
 * up to the next millisecond. {@code RealTimeEngine} relies on that precision to hand a step's
 * tokens over early and have them written at the step's end without a spinning event loop.
 *
 * <pre>{@code
 * ServerTransport t = ServerTransport.best();   // EPOLL on Linux x86_64/aarch64, else NIO
 * new ServerBootstrap().group(new MultiThreadIoEventLoopGroup(1, t.ioHandlerFactory()), ...)
 *     .channel(t.serverChannel());
 * }</pre>
 */
public enum ServerTransport {
  EPOLL,
  NIO;

  private static final Logger LOG = LoggerFactory.getLogger(ServerTransport.class);

  /** System property that forces a transport ({@code epoll} or {@code nio}); unset = {@link #best()}. */
  public static final String PROPERTY = "capkit.emulator.transport";

  /** Epoll when available and not overridden by {@value #PROPERTY}{@code =nio}. */
  public static ServerTransport best() {
    String forced = System.getProperty(PROPERTY, "");
    if (forced.equalsIgnoreCase("nio")) {
      return NIO;
    }
    if (!forced.isEmpty() && !forced.equalsIgnoreCase("epoll")) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + forced + ": expected epoll or nio");
    }
    if (Epoll.isAvailable()) {
      return EPOLL;
    }
    LOG.info("emulator: epoll unavailable ({}); using NIO, whose timers have millisecond granularity",
        Epoll.unavailabilityCause() == null ? "unknown" : Epoll.unavailabilityCause().getMessage());
    return NIO;
  }

  /** The transport {@code channel} runs on. */
  public static ServerTransport of(Channel channel) {
    return channel instanceof EpollSocketChannel || channel instanceof EpollServerSocketChannel ? EPOLL : NIO;
  }

  /** Whether tasks scheduled on this transport's event loops (under 10 ms ahead) wake to within tens of microseconds. */
  public boolean preciseTimers() {
    return this == EPOLL;
  }

  public IoHandlerFactory ioHandlerFactory() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }
}
