package dev.capkit.netem;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads netem runs on: one acceptor loop, worker loops (each connection's two channels share one
 * worker, so a connection's state needs no locks) and a control thread for proxy-level changes
 * (binding, outages). Epoll when the native library loads, because its timerfd wakes within
 * microseconds where NIO's selector rounds timeouts to milliseconds; {@code -Dcapkit.netem.transport=nio}
 * forces NIO.
 */
final class Transport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

  final EventLoopGroup boss;
  final EventLoopGroup workers;
  final Class<? extends ServerChannel> serverChannel;
  final Class<? extends Channel> socketChannel;
  final ScheduledExecutorService control;
  final String name;

  private Transport(boolean epoll, int workerThreads) {
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("netem-accept", true), factory);
    this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("netem-io", true), factory);
    this.serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.socketChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    this.control = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("netem-control", true));
    this.name = epoll ? "epoll" : "nio";
  }

  /** Worker threads: one per core (at least one). */
  static Transport create() {
    return create(Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  static Transport create(int workerThreads) {
    boolean wantEpoll = !"nio".equalsIgnoreCase(System.getProperty("capkit.netem.transport", "epoll"));
    boolean epoll = wantEpoll && Epoll.isAvailable();
    if (wantEpoll && !epoll) {
      LOG.info("netem: epoll unavailable ({}); using NIO, whose timers have millisecond granularity",
          Epoll.unavailabilityCause() == null ? "unknown" : Epoll.unavailabilityCause().getMessage());
    }
    return new Transport(epoll, workerThreads);
  }

  @Override
  public void close() {
    control.shutdownNow();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
