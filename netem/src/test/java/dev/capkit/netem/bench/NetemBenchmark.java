package dev.capkit.netem.bench;

import dev.capkit.netem.Direction;
import dev.capkit.netem.EchoServer;
import dev.capkit.netem.EmbeddedNetem;
import dev.capkit.netem.SinkServer;
import dev.capkit.netem.ToxicSpec;
import dev.capkit.netem.toxic.JitterDistribution;
import dev.capkit.netem.toxic.LatencyToxic;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * netem's benchmark (not a test; run with {@code mvn -q -pl netem -am -Pbench -DskipTests test}).
 *
 * <ol>
 *   <li><b>Added-delay accuracy</b>: {@code bench.connections} (1,000) concurrent connections through
 *       the proxy to a loopback echo server, each sending a 16-byte time-stamped message every
 *       {@code bench.intervalMs} (200) ms. Round trips are recorded with no toxic and with a 20 ms
 *       downstream latency toxic, at the same load; the added-delay error is the round trip with the
 *       toxic minus 20 ms minus the median round trip without it.
 *   <li><b>Throughput</b> with no toxics: {@code bench.streams} (8) connections each pumping 64 KiB
 *       writes into a discarding server that counts bytes, for {@code bench.seconds} (5) s, three ways
 *       in the same run, interleaved over two rounds: direct, through netem, through {@code socat}
 *       (when installed).
 * </ol>
 * The client runs in this JVM on one event-loop thread; the machine's load average is printed.
 */
public final class NetemBenchmark {
  private static final int CONNECTIONS = Integer.getInteger("bench.connections", 1000);
  private static final int INTERVAL_MS = Integer.getInteger("bench.intervalMs", 200);
  private static final int STREAMS = Integer.getInteger("bench.streams", 8);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 5);
  private static final long LATENCY_MS = 20;

  private NetemBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(Locale.ROOT, "netem benchmark: %d cores, transport %s, load average before: %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("capkit.netem.transport", "epoll"), loadAverage());
    try (EchoServer echo = new EchoServer(1);
         EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      try {
        // --- added-delay accuracy
        if (!Boolean.getBoolean("bench.throughputOnly")) {
        Histogram base = pingPong(clientGroup, netem.listenAddress(), 3, 8, null, null);
        netem.proxy().addToxic(new ToxicSpec("lat", Direction.DOWNSTREAM, 1.0,
            new LatencyToxic(LATENCY_MS, 0, JitterDistribution.UNIFORM, 0)));
        Recorder lateness = new Recorder(3);
        netem.proxy().setLatenessProbe(lateness::recordValue);
        Histogram late = new Histogram(3);
        Histogram with = pingPong(clientGroup, netem.listenAddress(), 3, 8, new Recorder[] {lateness}, late);
        netem.proxy().setLatenessProbe(null);
        netem.proxy().removeToxic("lat");
        double baseMedianUs = base.getValueAtPercentile(50) / 1000.0;
        System.out.printf(Locale.ROOT, "latency: %d connections, one 16-byte message per %d ms each (%,d msg/s)%n",
            CONNECTIONS, INTERVAL_MS, CONNECTIONS * 1000L / INTERVAL_MS);
        System.out.printf(Locale.ROOT, "  no toxic:      round trip p50 %.3f ms  p99 %.3f ms  max %.3f ms  (n=%,d)%n",
            base.getValueAtPercentile(50) / 1e6, base.getValueAtPercentile(99) / 1e6, base.getMaxValue() / 1e6, base.getTotalCount());
        System.out.printf(Locale.ROOT, "  latency 20 ms: round trip p50 %.3f ms  p99 %.3f ms  max %.3f ms  (n=%,d)%n",
            with.getValueAtPercentile(50) / 1e6, with.getValueAtPercentile(99) / 1e6, with.getMaxValue() / 1e6, with.getTotalCount());
        System.out.printf(Locale.ROOT, "  added-delay error (rtt - 20 ms - no-toxic median %.3f ms): p50 %+.3f ms  p99 %+.3f ms  max %+.3f ms%n",
            baseMedianUs / 1000, err(with, 50, baseMedianUs), err(with, 99, baseMedianUs), (with.getMaxValue() / 1000.0 - baseMedianUs) / 1000 - LATENCY_MS);
        System.out.printf(Locale.ROOT, "  proxy-side error (write time - due time, same window): p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  (n=%,d)%n",
            late.getValueAtPercentile(50) / 1e6, late.getValueAtPercentile(99) / 1e6, late.getValueAtPercentile(99.9) / 1e6,
            late.getMaxValue() / 1e6, late.getTotalCount());
        System.out.printf(Locale.ROOT, "  load average after latency phase: %s%n", loadAverage());
        }

        // --- throughput: client -> relay -> sink, three relays, two interleaved rounds
        try (SinkServer sink = new SinkServer();
             EmbeddedNetem relay = EmbeddedNetem.start(sink.address())) {
          Process socat = startSocat(sink.address().getPort());
          InetSocketAddress socatAddress = new InetSocketAddress("127.0.0.1", socatPort);
          double[] sum = new double[3];
          double[] cpu = new double[2];
          System.out.printf(Locale.ROOT, "throughput: %d streams x 64 KiB writes into a discarding server, %d s per run, 2 rounds%n", STREAMS, SECONDS);
          try {
            for (int round = 1; round <= 2; round++) {
              double d = throughput(clientGroup, sink.address(), sink, () -> 0L)[0];
              double[] n = throughput(clientGroup, relay.listenAddress(), sink, NetemBenchmark::netemCpuNanos);
              double[] x = socat == null ? new double[] {Double.NaN, Double.NaN}
                  : throughput(clientGroup, socatAddress, sink, () -> processTreeCpuNanos(socat.pid()));
              sum[0] += d;
              sum[1] += n[0];
              sum[2] += x[0];
              cpu[0] += n[1];
              cpu[1] += x[1];
              System.out.printf(Locale.ROOT, "  round %d: direct %7.1f MB/s  netem %7.1f MB/s (%.2f CPU-s/GB)  socat %7.1f MB/s (%.2f CPU-s/GB)  (load %s)%n",
                  round, d, n[0], n[1], x[0], x[1], loadAverage());
            }
          } finally {
            if (socat != null) {
              socat.destroy();
              socat.waitFor(2, TimeUnit.SECONDS);
            }
          }
          System.out.printf(Locale.ROOT, "  mean:   direct %8.1f MB/s  netem %8.1f MB/s (%.2fx direct)%n", sum[0] / 2, sum[1] / 2, sum[1] / sum[0]);
          if (socat != null) {
            System.out.printf(Locale.ROOT, "          socat  %8.1f MB/s (%.2fx direct); netem / socat = %.2fx%n", sum[2] / 2, sum[2] / sum[0], sum[1] / sum[2]);
            System.out.printf(Locale.ROOT, "  relay CPU per GB relayed: netem %.2f s, socat %.2f s; CPU-efficiency netem / socat = %.2fx (less sensitive to other load than MB/s)%n",
                cpu[0] / 2, cpu[1] / 2, cpu[1] / cpu[0]);
          } else {
            System.out.println("  socat not installed (apt-get install -y socat): no comparison");
          }
        }
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
      } finally {
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }

  private static double err(Histogram h, double percentile, double baseMedianUs) {
    return (h.getValueAtPercentile(percentile) / 1000.0 - baseMedianUs) / 1000.0 - LATENCY_MS;
  }

  /** Opens the connections, warms up, records round trips for {@code measureS} seconds, closes. */
  private static Histogram pingPong(EventLoopGroup group, InetSocketAddress target, int warmupS, int measureS,
      Recorder[] lateness, Histogram lateOut) throws Exception {
    Histogram h = new Histogram(3_600_000_000_000L, 3);
    long recordFrom = System.nanoTime() + (warmupS + 2) * 1_000_000_000L;   // + 2 s for opening 1,000 connections
    long recordUntil = recordFrom + measureS * 1_000_000_000L;
    SplittableRandom random = new SplittableRandom(5);
    List<Channel> channels = new ArrayList<>();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new FixedLengthFrameDecoder(16), new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                long now = System.nanoTime();
                ByteBuf buf = (ByteBuf) msg;
                long sent = buf.readLong();
                buf.release();
                if (sent >= recordFrom && sent < recordUntil) {
                  h.recordValue(now - sent);   // single client thread: no locking needed
                }
              }
            });
          }
        });
    for (int i = 0; i < CONNECTIONS; i++) {
      Channel ch = b.connect(target).sync().channel();
      channels.add(ch);
      if (i % 100 == 99) {
        Thread.sleep(20);   // let the accept backlog drain on a loaded machine
      }
      long phase = random.nextLong(INTERVAL_MS * 1_000_000L);
      ch.eventLoop().scheduleAtFixedRate(() -> {
        if (ch.isActive() && System.nanoTime() < recordUntil) {
          ByteBuf m = Unpooled.buffer(16);
          m.writeLong(System.nanoTime()).writeLong(0);
          ch.writeAndFlush(m);
        }
      }, phase, INTERVAL_MS * 1_000_000L, TimeUnit.NANOSECONDS);
    }
    Thread.sleep(Math.max(0, (recordFrom - System.nanoTime()) / 1_000_000L));
    if (lateness != null) {
      lateness[0].getIntervalHistogram();   // drop what was recorded while connecting and warming up
    }
    Thread.sleep(Math.max(0, (recordUntil - System.nanoTime()) / 1_000_000L));
    if (lateness != null) {
      lateOut.add(lateness[0].getIntervalHistogram());
    }
    Thread.sleep(200);
    for (Channel ch : channels) {
      ch.close();
    }
    for (Channel ch : channels) {
      ch.closeFuture().sync();
    }
    Thread.sleep(300);
    return h;
  }

  /**
   * MB/s (10^6 bytes) arriving at {@code sink} from {@link #STREAMS} connections writing 64 KiB buffers
   * with back-pressure, and the relay's CPU seconds per GB over the whole run (connect to close).
   */
  private static double[] throughput(EventLoopGroup group, InetSocketAddress target, SinkServer sink, LongSupplier relayCpu) throws Exception {
    long bytesAtStart = sink.received();
    long cpuAtStart = relayCpu.getAsLong();
    ByteBuf block = Unpooled.unreleasableBuffer(Unpooled.directBuffer(65536).writeZero(65536));
    List<Channel> channels = new ArrayList<>();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelActive(ChannelHandlerContext ctx) {
                pump(ctx.channel());
              }

              @Override
              public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                pump(ctx.channel());
              }

              private void pump(Channel ch) {
                while (ch.isActive() && ch.isWritable()) {
                  ch.write(block.retainedDuplicate());
                }
                ch.flush();
              }
            });
          }
        });
    for (int i = 0; i < STREAMS; i++) {
      channels.add(b.connect(target).sync().channel());
    }
    Thread.sleep(1000);   // warm-up
    long r0 = sink.received();
    long t0 = System.nanoTime();
    Thread.sleep(SECONDS * 1000L);
    long r1 = sink.received();
    long t1 = System.nanoTime();
    for (Channel ch : channels) {
      ch.close().sync();
    }
    Thread.sleep(500);   // socat's children exit and are reaped, so their CPU is counted
    double cpuSeconds = (relayCpu.getAsLong() - cpuAtStart) / 1e9;
    double gb = (sink.received() - bytesAtStart) / 1e9;
    return new double[] {(r1 - r0) / ((t1 - t0) / 1e9) / 1e6, cpuSeconds / gb};
  }

  private static int socatPort;

  private static Process startSocat(int echoPort) throws IOException, InterruptedException {
    try (ServerSocket s = new ServerSocket(0)) {
      socatPort = s.getLocalPort();
    }
    Process p;
    try {
      p = new ProcessBuilder("socat", "TCP-LISTEN:" + socatPort + ",bind=127.0.0.1,fork,reuseaddr,nodelay",
          "TCP:127.0.0.1:" + echoPort + ",nodelay").redirectErrorStream(true).start();
    } catch (IOException e) {
      return null;
    }
    Thread.sleep(300);
    return p.isAlive() ? p : null;
  }

  /** CPU time of netem's threads (named netem-*) in this JVM. */
  private static long netemCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("netem-")) {
        long c = mx.getThreadCpuTime(t.getThreadId());
        sum += Math.max(0, c);
      }
    }
    return sum;
  }

  /** utime + stime of a process plus its reaped children (/proc/PID/stat fields 14-17), in ns. */
  private static long processTreeCpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ", field 3 is f[0]; utime is field 14 -> f[11]
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return ticks * 10_000_000L;   // CLK_TCK 100 on Linux
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
