package dev.capkit.emulator.bench;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.emulator.Arrival;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.EmulatorOptions;
import dev.capkit.emulator.Profile;
import dev.capkit.emulator.ServingPlan;
import dev.capkit.emulator.VirtualRun;
import dev.capkit.emulator.catalog.Catalog;
import dev.capkit.emulator.physics.Dtype;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Two figures for emulator/README.md (not a unit test; run it with the {@code bench} profile):
 *
 * <ol>
 *   <li><b>Concurrent streams</b>: N streaming chat requests held open at once against the embedded
 *       emulator (physics profile, default tier, {@code max_num_seqs} raised to N so every stream is
 *       decoding), consumed by a one-thread Netty client in the same JVM on this machine; reports
 *       the token-timing error = time the event loop wrote a token minus the end of the engine step
 *       that sampled it (p50/p99/p99.9/max), and process CPU.
 *   <li><b>Virtual-time speed</b>: one simulated hour of Poisson arrivals at R requests/s through
 *       {@link VirtualRun}; reports wall time and simulated request-seconds (sum of E2E) per wall second.
 * </ol>
 *
 * Run: {@code mvn -q -pl emulator -am -Pbench -DskipTests test} (args via -Dbench.streams=5000 -Dbench.qps=100).
 */
public final class EmulatorBenchmark {
  private EmulatorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int streams = Integer.getInteger("bench.streams", 5000);
    int qps = Integer.getInteger("bench.qps", 100);
    System.out.printf(Locale.ROOT, "machine: %d cores, max heap %d MiB, %s %s%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name"), System.getProperty("java.version"));
    virtualSpeed(qps, 60); // warm-up of the JIT, not reported
    concurrentStreams(streams, 0); // vLLM default max_num_seqs (256): all streams held, 256 decoding at a time
    concurrentStreams(streams, streams); // worst case: every stream decoding in every step's token budget
    virtualSpeed(qps, 3600);
  }

  /** @param maxNumSeqs override of max_num_seqs, 0 = the catalog's vLLM default */
  static void concurrentStreams(int n, int maxNumSeqs) throws Exception {
    EmulatorOptions options = EmulatorOptions.defaults().withMaxNumSeqs(maxNumSeqs).withMaxWaiting(2 * n).withSeed(5);
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(options)) {
      System.out.println(emu.describe());
      emu.metrics().takeEmitLateness(); // reset
      emu.metrics().takeHandoffLateness();
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      AtomicInteger open = new AtomicInteger();
      AtomicInteger maxOpen = new AtomicInteger();
      AtomicInteger completed = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      AtomicLong chunks = new AtomicLong();
      CountDownLatch done = new CountDownLatch(n);
      byte[] body = ("{\"model\":\"autoglm-phone-9b\",\"stream\":true,\"max_tokens\":40,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Describe the current screen of the phone in one sentence.\"}]}")
          .getBytes(StandardCharsets.UTF_8);
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      try {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new SimpleChannelInboundHandler<HttpObject>() {
              private boolean finished;

              @Override
              protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg instanceof HttpContent c) {
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
            });
          }
        });
        for (int i = 0; i < n; i++) {
          Channel ch = b.connect(emu.baseUri().getHost(), emu.baseUri().getPort()).sync().channel();
          maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
          ByteBuf content = Unpooled.wrappedBuffer(body);
          DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions", content);
          req.headers().set(HttpHeaderNames.HOST, "emulator").set(HttpHeaderNames.CONTENT_TYPE, "application/json")
              .set(HttpHeaderNames.CONTENT_LENGTH, body.length).set("X-Request-Id", "bench-" + i);
          ch.writeAndFlush(req);
        }
        int peakRunning = 0;
        while (!done.await(200, TimeUnit.MILLISECONDS)) {
          peakRunning = Math.max(peakRunning, emu.metrics().running());
          maxOpen.accumulateAndGet(open.get(), Math::max);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        Histogram h = emu.metrics().takeEmitLateness();
        Histogram handoff = emu.metrics().takeHandoffLateness();
        System.out.printf(Locale.ROOT, "concurrent streams: %d requested, %d open at peak, %d decoding at peak (vllm:num_requests_running), "
                + "%d completed, %d failed, %d tokens in %.1f s wall%n",
            n, maxOpen.get(), peakRunning, completed.get(), failed.get(), h.getTotalCount(), wall);
        System.out.printf(Locale.ROOT, "token-timing error (write time - step end): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
            h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
        System.out.printf(Locale.ROOT, "  of which hand-off to the event loop (delivery task start - step end): p50 %.3f ms, p99 %.3f ms%n",
            handoff.getValueAtPercentile(50) / 1e6, handoff.getValueAtPercentile(99) / 1e6);
        System.out.printf(Locale.ROOT, "process CPU %.1f s over %.1f s wall = %.2f cores (server + client in one JVM)%n", cpu, wall, cpu / wall);
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }

  static void virtualSpeed(int qps, int seconds) throws Exception {
    ServingPlan plan = ServingPlan.resolve(Catalog.load(null), EmulatorOptions.DEFAULT_TIER, EmulatorOptions.DEFAULT_MODEL, Dtype.BF16, 1024);
    SplittableRandom rnd = new SplittableRandom(1);
    List<Arrival> arrivals = new ArrayList<>();
    double t = 0;
    int i = 0;
    while ((t += -Math.log(1 - rnd.nextDouble()) / qps) < seconds) {
      // short chats so that 100 req/s stays below one A100's modelled capacity (~9.4k tokens/s compute-bound)
      arrivals.add(new Arrival(t, "v" + i++, "text-chat", 40, 0, 0, 40, true));
    }
    System.gc();
    long t0 = System.nanoTime();
    List<RequestRecord> records = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 100_000).run(arrivals, 0);
    double wall = (System.nanoTime() - t0) / 1e9;
    double requestSeconds = records.stream().mapToDouble(r -> r.e2eNanos() / 1e9).sum();
    long ok = records.stream().filter(RequestRecord::ok).count();
    double p99ttft = records.stream().mapToDouble(r -> r.ttftNanos() / 1e9).sorted().skip((long) (0.99 * records.size())).findFirst().orElse(-1);
    if (seconds >= 600) {
      System.out.printf(Locale.ROOT, "virtual time: %d s simulated at %d req/s (%d requests, %d ok, p99 TTFT %.3f s) in %.2f s wall "
              + "= %.0fx real time; %.0f simulated request-seconds per wall second%n",
          seconds, qps, records.size(), ok, p99ttft, wall, seconds / wall, requestSeconds / wall);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
