package dev.capkit.loadgen;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.StepRecorder;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.core.scenario.SloSet;
import dev.capkit.core.scenario.StepPlan;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH benchmarks of the client's receive path for one streamed chat of 64 tokens as capkit's
 * emulator sends it (67 SSE events, one HTTP chunk and one network read each: the most reads a
 * response can take), no socket:
 * <ul>
 *   <li>{@code request}: the whole per-request path: the request written as {@link ChatClient} writes it
 *       ({@link RequestHead}: head encoded, body wrapped), {@link ReadClock}, {@link ExchangeHandler} (its {@link ResponseReader}), {@link Exchange} (ids, timings, record,
 *       future), then {@link StepRecorder#record} as a run records it. Per op = one request;
 *       {@code -prof gc}'s {@code gc.alloc.rate.norm} is the bytes allocated per request.
 *   <li>{@code sendHead} / {@code sendEncoder}: the request's bytes as the client writes them now
 *       ({@link RequestHead}) and as it did before (headers object + Netty's encoder), per request;
 *   <li>{@code chunk}: {@link StreamTimings} alone (SSE scan, chunk scan, timing), fed the 67 SSE
 *       events as 67 reads; per op = one chunk (ns/chunk), allocation per chunk including the
 *       per-request objects spread over its chunks.
 * </ul>
 * Run: {@code mvn -q -pl loadgen -am -Pbench-loadgen -DskipTests test} (see loadgen/README.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientPathBenchmark {

  static final int TOKENS = 64;
  static final int EVENTS = TOKENS + 3; // role, 64 content, usage, [DONE]

  private ChatClient client;
  private EmbeddedChannel channel;
  private ExchangeHandler handler;
  private ByteBuf[] reads;
  private byte[][] events;
  private ChatRequest request;
  private RequestHead head;
  private EmbeddedChannel sendChannel;
  private EmbeddedChannel encoderChannel;
  private StepRecorder recorder;
  private long sink;

  @Setup(Level.Trial)
  public void setUp() {
    client = new ChatClient(new ChatEndpoint(URI.create("http://127.0.0.1:9"), "autoglm-phone-9b", null,
        ClientTimeouts.DEFAULTS), 1);
    ReadClock clock = new ReadClock();
    handler = new ExchangeHandler(clock);
    channel = new EmbeddedChannel(clock, handler); // as ChatClient's pipeline: requests are bytes (RequestHead)
    List<byte[]> http = EmulatorLikeStream.httpReads(TOKENS, 300);
    reads = new ByteBuf[http.size()];
    for (int i = 0; i < reads.length; i++) {
      // direct, as Netty's NIO reads deliver them: the client copies out of these
      reads[i] = Unpooled.directBuffer(http.get(i).length).writeBytes(http.get(i));
    }
    List<String> sse = EmulatorLikeStream.events(TOKENS, 300);
    events = new byte[sse.size()][];
    for (int i = 0; i < events.length; i++) {
      events[i] = sse.get(i).getBytes(StandardCharsets.UTF_8);
    }
    request = new TextChatRequests("chat", "autoglm-phone-9b", true, false).request(300, 64, 1);
    head = new RequestHead("/v1/chat/completions", "127.0.0.1:9", java.util.Map.of(), null, null);
    sendChannel = new EmbeddedChannel();
    encoderChannel = new EmbeddedChannel(new io.netty.handler.codec.http.HttpRequestEncoder());
    recorder = new StepRecorder(new StepPlan(0, "s0", 1, "qps", "none", Duration.ZERO, Duration.ofSeconds(60)),
        new SloSet(List.of(), 0.01, false));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channel.finishAndReleaseAll();
    sendChannel.finishAndReleaseAll();
    encoderChannel.finishAndReleaseAll();
    client.close();
    for (ByteBuf b : reads) {
      b.release();
    }
  }

  @Benchmark
  public long request() {
    long now = System.nanoTime();
    TraceIds ids = TraceIds.fresh();
    // the request's bytes as ChatClient writes them (head encoded, body wrapped), through the pipeline; dropped
    channel.writeAndFlush(head.request(request, ids));
    Object written;
    while ((written = channel.readOutbound()) != null) {
      ReferenceCountUtil.release(written);
    }
    Exchange exchange = new Exchange(client, request, ids, now, now / 1000, 0L, new java.util.concurrent.CompletableFuture<>());
    handler.begin(exchange);
    for (ByteBuf read : reads) {
      read.readerIndex(0).retain();
      channel.pipeline().fireChannelRead(read); // not writeInbound: its varargs array is not the client's cost
    }
    RequestRecord r = exchange.future().getNow(null);
    recorder.record(r);
    return r.completionTokens() + r.itlNanos().length + sink++;
  }

  /** The request's bytes as ChatClient writes them now: {@link RequestHead}, no encoder (compare {@link #sendEncoder}). */
  @Benchmark
  public long sendHead() {
    return drain(sendChannel, head.request(request, TraceIds.fresh()));
  }

  /**
   * The same request as ChatClient built it before {@link RequestHead}: a {@code DefaultFullHttpRequest} with
   * its headers set per request, through Netty's {@code HttpRequestEncoder}.
   */
  @Benchmark
  public long sendEncoder() {
    TraceIds ids = TraceIds.fresh();
    io.netty.handler.codec.http.FullHttpRequest http = new io.netty.handler.codec.http.DefaultFullHttpRequest(
        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.POST,
        "/v1/chat/completions", Unpooled.wrappedBuffer(request.segments()));
    io.netty.handler.codec.http.HttpHeaders h = http.headers();
    h.set("host", "127.0.0.1:9");
    h.set("user-agent", ChatClient.USER_AGENT);
    h.set("content-type", "application/json");
    h.setInt("content-length", request.length());
    h.set("accept", "text/event-stream");
    h.set("x-request-id", ids.requestId());
    h.set("traceparent", ids.traceparent());
    return drain(encoderChannel, http);
  }

  private static long drain(EmbeddedChannel ch, Object msg) {
    ch.writeAndFlush(msg);
    long bytes = 0;
    Object written;
    while ((written = ch.readOutbound()) != null) {
      bytes += ((ByteBuf) written).readableBytes();
      ReferenceCountUtil.release(written);
    }
    return bytes;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long chunk() {
    long t = 1_000_000_000L;
    StreamTimings timings = StreamTimings.streaming(t);
    timings.onHeaders(t + 1_000, 200, "text/event-stream");
    for (byte[] event : events) {
      t += 10_000;
      timings.onRead(t, event, 0, event.length);
    }
    timings.onEnd(t);
    return timings.toRecord("r", "t", "chat", 0L, 0L).completionTokens();
  }
}
