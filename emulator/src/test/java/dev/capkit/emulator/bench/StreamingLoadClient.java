package dev.capkit.emulator.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's load: N streaming chat requests (short chat, {@code max_tokens} 40) opened one
 * after another by a one-thread Netty NIO client and read to the end. Used in the benchmark's JVM
 * ({@code -Dbench.client=jvm}) or as its own process ({@code -Dbench.client=process}, how users
 * run a load against {@code ./capkit emulator}), where {@link #main} prints one {@code result} line.
 *
 * <pre>{@code
 * java -cp <test class path> dev.capkit.emulator.bench.StreamingLoadClient 127.0.0.1 8000 5000
 * result maxOpen=4834 completed=5000 failed=0 chunks=215000 cpuSeconds=9.1
 * }</pre>
 */
final class StreamingLoadClient implements AutoCloseable {
  private static final byte[] BODY = ("{\"model\":\"autoglm-phone-9b\",\"stream\":true,\"max_tokens\":40,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Describe the current screen of the phone in one sentence.\"}]}")
      .getBytes(StandardCharsets.UTF_8);

  /** What the client saw: peak open connections, streams read to their end, streams cut short, HTTP contents read. */
  record Result(int maxOpen, int completed, int failed, long chunks) {}

  /** One thread named {@code bench-client-...}: not the emulator's ({@link EmulatorThreads} leaves it ordinary). */
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
      new io.netty.util.concurrent.DefaultThreadFactory("bench-client"), NioIoHandler.newFactory());
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger maxOpen = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong chunks = new AtomicLong();
  private CountDownLatch done = new CountDownLatch(0);

  /** Connects N times (each connection waits for the previous one) and sends each a streaming request. */
  void start(String host, int port, int n) throws InterruptedException {
    done = new CountDownLatch(n);
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new StreamReader());
      }
    });
    for (int i = 0; i < n; i++) {
      Channel ch = b.connect(host, port).sync().channel();
      maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      ByteBuf content = Unpooled.wrappedBuffer(BODY);
      DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions", content);
      req.headers().set(HttpHeaderNames.HOST, "emulator").set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .set(HttpHeaderNames.CONTENT_LENGTH, BODY.length).set("X-Request-Id", "bench-" + i);
      ch.writeAndFlush(req);
    }
  }

  /** True once every stream has ended (completed or failed). */
  boolean await(long millis) throws InterruptedException {
    boolean all = done.await(millis, TimeUnit.MILLISECONDS);
    maxOpen.accumulateAndGet(open.get(), Math::max);
    return all;
  }

  Result result() {
    return new Result(maxOpen.get(), completed.get(), failed.get(), chunks.get());
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Args: host port streams. Prints {@code result maxOpen=.. completed=.. failed=.. chunks=.. cpuSeconds=..}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: StreamingLoadClient <host> <port> <streams>");
      System.exit(2);
    }
    try (StreamingLoadClient client = new StreamingLoadClient()) {
      client.start(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      while (!client.await(200)) {
        // wait for the last stream
      }
      Result r = client.result();
      double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
      System.out.printf(Locale.ROOT, "result maxOpen=%d completed=%d failed=%d chunks=%d cpuSeconds=%.1f%n",
          r.maxOpen(), r.completed(), r.failed(), r.chunks(), cpu);
    }
  }

  private final class StreamReader extends SimpleChannelInboundHandler<HttpObject> {
    private boolean finished;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpContent) {
        chunks.incrementAndGet();
        if (msg instanceof LastHttpContent) {
          finished = true;
          completed.incrementAndGet();
          ctx.close();
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!finished) {
        failed.incrementAndGet();
      }
      open.decrementAndGet();
      done.countDown();
    }
  }
}
