package dev.capkit.llamacpp.http;

import dev.capkit.llamacpp.engine.LlamaCppEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The OpenAI-compatible HTTP/1.1 front of a {@link LlamaCppEngine}: Netty (NIO), one event loop
 * (the work is in llama.cpp, not here), pipeline {@code HttpServerCodec -> HttpObjectAggregator
 * (16 MiB) -> EngineRequestHandler}; completions on a cached pool of daemon worker threads.
 *
 * <pre>{@code
 * try (var server = EngineHttpServer.bind(engine, "127.0.0.1", 0)) {
 *   int port = server.port();
 * }
 * }</pre>
 */
public final class EngineHttpServer implements AutoCloseable {
  private static final int MAX_BODY_BYTES = 16 << 20;

  private final EventLoopGroup group;
  private final ExecutorService workers;
  private final Channel channel;

  private EngineHttpServer(EventLoopGroup group, ExecutorService workers, Channel channel) {
    this.group = group;
    this.workers = workers;
    this.channel = channel;
  }

  public static EngineHttpServer bind(LlamaCppEngine engine, String host, int port) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("llamacpp-http", true),
        NioIoHandler.newFactory());
    ExecutorService workers = Executors.newCachedThreadPool(new DefaultThreadFactory("llamacpp-request", true));
    EngineRequestHandler handler = new EngineRequestHandler(engine, workers);
    try {
      Channel channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY_BYTES), handler);
            }
          })
          .bind(host, port).sync().channel();
      return new EngineHttpServer(group, workers, channel);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully();
      workers.shutdownNow();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    workers.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
