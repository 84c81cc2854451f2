package dev.capkit.loadgen;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The event-loop transport of the client's connections, chosen once per JVM by the system property
 * {@value #PROPERTY}: {@code epoll} (Netty's native epoll: one {@code epoll_wait} per loop turn and
 * one {@code read} per socket that has data), {@code nio} (the JDK selector), or {@code auto} (the
 * default: epoll where its native library loads, else NIO), so that one build can be measured both
 * ways. A named transport that cannot load here falls back to NIO and the reason is in
 * {@link #fallbackReason()}. Arrivals are stamped when the event loop hands the received bytes to
 * the pipeline ({@link ReadClock}) on every transport.
 *
 * <p>Not offered: Netty's io_uring transport. Measured 2026-12-02 in the separate-process ceiling
 * benchmark (500 req/s, pinned, load 4-6) it cost 0.64 client CPU-seconds per 1,000 requests
 * against epoll's 0.29, with completion-queue overflows (loadgen/README.md).
 */
enum ClientTransport {
  EPOLL("epoll", EpollSocketChannel.class, EpollIoHandler::newFactory),
  NIO("nio", NioSocketChannel.class, NioIoHandler::newFactory);

  /** System property naming the transport: auto, epoll or nio. */
  static final String PROPERTY = "capkit.loadgen.transport";

  private static final Selection SELECTED = select(System.getProperty(PROPERTY, "auto"));

  private final String label;
  private final Class<? extends SocketChannel> channelClass;
  private final Supplier<IoHandlerFactory> handlers;

  ClientTransport(String label, Class<? extends SocketChannel> channelClass, Supplier<IoHandlerFactory> handlers) {
    this.label = label;
    this.channelClass = channelClass;
    this.handlers = handlers;
  }

  /** The transport this JVM's clients use. */
  static ClientTransport selected() {
    return SELECTED.transport();
  }

  /** Why the named transport was not used, or null. */
  static String fallbackReason() {
    return SELECTED.fallback();
  }

  String label() {
    return label;
  }

  Class<? extends SocketChannel> channelClass() {
    return channelClass;
  }

  IoHandlerFactory ioHandlerFactory() {
    return handlers.get();
  }

  private record Selection(ClientTransport transport, String fallback) {}

  static Selection select(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "auto", "" -> new Selection(epollLoads() ? EPOLL : NIO, null);
      case "epoll" -> epollLoads() ? new Selection(EPOLL, null)
          : new Selection(NIO, "epoll unavailable: " + Epoll.unavailabilityCause());
      case "nio" -> new Selection(NIO, null);
      default -> throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + name + ": unknown transport (known: auto, epoll, nio)");
    };
  }

  private static boolean epollLoads() {
    try {
      return Epoll.isAvailable();
    } catch (LinkageError e) {
      return false;
    }
  }
}
