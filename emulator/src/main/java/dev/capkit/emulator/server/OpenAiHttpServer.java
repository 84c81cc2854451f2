package dev.capkit.emulator.server;

import dev.capkit.core.os.PreemptionSafeEventLoopGroup;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;

/**
 * The emulator's HTTP/1.1 server: Netty ({@link ServerTransport}: native epoll where available, else NIO), one acceptor thread and {@code workers} event loops,
 * each connection's pipeline {@code HttpServerCodec -> HttpObjectAggregator (64 MiB, room for ten
 * base64 screenshots) -> OpenAiRequestHandler}.
 */
public final class OpenAiHttpServer implements AutoCloseable {
  /** Largest request body accepted (413 above it). */
  public static final int MAX_BODY_BYTES = 64 << 20;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final ServerTransport transport;

  private OpenAiHttpServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel, ServerTransport transport) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
    this.transport = transport;
  }

  public static OpenAiHttpServer bind(ServerContext context, String host, int port, int workerThreads)
      throws InterruptedException {
    ServerTransport transport = ServerTransport.best();
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    // The workers may run real-time (--realtime) and take the engine's tasks: loops that never spin for a half
    // handed-over task (PreemptionSafeEventLoopGroup).
    EventLoopGroup workers = new PreemptionSafeEventLoopGroup(workerThreads, new DefaultThreadFactory("emulator-io"),
        transport.ioHandlerFactory());
    OpenAiRequestHandler handler = new OpenAiRequestHandler(context);
    try {
      Channel channel = new ServerBootstrap()
          .group(boss, workers)
          .channel(transport.serverChannel())
          .option(ChannelOption.SO_BACKLOG, 4096)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY_BYTES), handler);
            }
          })
          .bind(host, port).sync().channel();
      return new OpenAiHttpServer(boss, workers, channel, transport);
    } catch (InterruptedException | RuntimeException e) {
      boss.shutdownGracefully();
      workers.shutdownGracefully();
      throw e;
    }
  }

  /**
   * Runs {@code command} once on each worker event loop (the threads that read requests and write tokens; they start
   * here if no connection has started them yet) and waits; the first failure is rethrown. For settings that apply
   * to the calling thread, e.g. SCHED_FIFO ({@code EmbeddedEmulator#realtime}).
   *
   * @return how many event loops ran it
   */
  public int onEachWorkerLoop(Runnable command) {
    int n = 0;
    for (io.netty.util.concurrent.EventExecutor loop : workers) {
      try {
        loop.submit(command).get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("an event loop did not run the command within 10 s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      n++;
    }
    return n;
  }

  /** The transport the server's event loops use. */
  public ServerTransport transport() {
    return transport;
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
