package dev.capkit.loadgen;

import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.core.os.PreemptionSafeEventLoopGroup;
import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * capkit's own streaming client for {@code POST /v1/chat/completions}: one {@link RequestRecord}
 * per request, with TTFT, every ITL gap, E2E and usage as defined in {@link StreamTimings}.
 *
 * <p><b>Why its own client.</b> Gatling's SSE support stamps arrivals in milliseconds and
 * reconnects (re-sending the POST) after a broken stream; an LLM load test must count a broken
 * stream as such and never send a request twice. This client never retries and never re-sends.
 *
 * <p><b>Why Netty rather than {@code java.net.http.HttpClient}.</b> Arrival times are taken with
 * {@code System.nanoTime()} on the event loop at the socket read ({@link ReadClock}), before HTTP
 * and SSE decoding, so decoding cost and thread hand-offs never enter the figures; the JDK client
 * hands body buffers to subscribers through executor hops, so its stamps carry queueing delay
 * under load. Netty also gives full control of connections: the JDK client may silently retry a
 * failed connect and hides its pool, whereas here an idle connection is dropped before the
 * server's keep-alive timeout ({@link ConnectionPool}) and a failure is a record. A few event-loop
 * threads hold thousands of concurrent streams; per chunk the only work is a copy into a reused
 * buffer, the SSE scan and a streaming JSON scan (no regex, no per-token objects, no logging).
 * HTTP/1.1 only, over plain TCP or TLS ({@link TlsSettings}: SNI, host name verification, a CA
 * bundle or an explicit insecure opt-in), directly or through an HTTP proxy ({@link EndpointOptions}).
 * Arrival stamps are taken at the socket read before decryption, so TLS decoding cost stays out too.
 * The event loops use Netty's native epoll transport where it loads (Linux x86_64/aarch64): per
 * socket read it costs less CPU than NIO's selector, and a streamed chat is one read per token.
 *
 * <p><b>Timeouts</b> (see {@link ClientTimeouts}) are event-loop timers: connect via Netty's
 * connect timeout (each of TCP connect, proxy tunnel and TLS handshake is bounded by it), first
 * byte from the moment the request is fully written, total from {@link #send}. When one fires the connection is closed and the record says which deadline.
 *
 * <p>Futures complete on an event-loop thread: keep dependent callbacks short (record into a
 * histogram) or use the {@code ...Async} variants, or they delay other streams' timestamps.
 *
 * <pre>{@code
 * try (var client = new ChatClient(endpoint)) {
 *   ProbeResult probe = client.probe().join();
 *   if (!probe.ok()) throw new IllegalStateException(probe.problem());
 *   RequestRecord r = client.send(phoneSteps.step(task, 3), 0L).join();
 * }
 * }</pre>
 */
public final class ChatClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChatClient.class);
  /** Which planned request this is (see {@link ChatRequest#planKey()}); servers other than capkit's emulator ignore it. */
  public static final AsciiString X_CAPKIT_PLAN_KEY = AsciiString.cached("x-capkit-plan-key");
  static final AsciiString USER_AGENT = AsciiString.cached("capkit-loadgen/0.1");
  private static final ClientTransport TRANSPORT = ClientTransport.selected();
  static {
    if (ClientTransport.fallbackReason() != null) {
      LOG.warn("-D{}: {}; using {}", ClientTransport.PROPERTY, ClientTransport.fallbackReason(), TRANSPORT.label());
    }
  }

  private final ChatEndpoint endpoint;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  // Probe, scrape and tokenize run on their own thread: a TLS handshake every scrape must not stall
  // the event loops that stamp the load's arrivals.
  private final EventLoopGroup controlGroup;
  private final Bootstrap controlBootstrap;
  private final ConnectionPool pool = new ConnectionPool();
  private final TargetTransport transport;
  private final SslContext ssl;
  private SslContext controlSsl; // for https control URLs of a plain target; built on first use
  private final String target;
  private final String completionsPath;
  private final AsciiString hostHeader;
  private final AsciiString authName;
  private final AsciiString authValue;
  private final Map<String, String> extraHeaders;
  private final RequestHead head; // requests are written as bytes: RequestHead, no HTTP encoder in the pipeline
  private final long connectTimeoutMillis;
  private final long firstByteTimeoutNanos;
  private final long totalTimeoutNanos;
  // Wall clock derived from nanoTime: monotonic, consistent across records, microsecond resolution.
  private final long epochMicrosAtBase;
  private final long nanosAtBase;
  private volatile boolean closed;
  private final java.util.Set<Exchange> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile java.util.function.ObjLongConsumer<String> writtenListener;
  private volatile RealtimeThreads realtime; // -Dcapkit.loadgen.realtime, see useRealtime
  // sendAt: requests handed over ahead of their time wait in `timed` until the pacing loop drains it (one wake-up
  // per batch), then on that loop's timers; `waiting` holds every one not yet sent, for close().
  private final io.netty.channel.EventLoop pacer;
  private final java.util.concurrent.ConcurrentLinkedQueue<TimedSend> timed = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicBoolean drainPending = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.Set<TimedSend> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A client with one event-loop thread per available processor. */
  public ChatClient(ChatEndpoint endpoint) {
    this(endpoint, Runtime.getRuntime().availableProcessors());
  }

  /** A client with {@code ioThreads} event-loop threads (daemon threads). */
  public ChatClient(ChatEndpoint endpoint, int ioThreads) {
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads must be >= 1, got " + ioThreads);
    }
    this.endpoint = endpoint;
    ClientTimeouts t = endpoint.timeouts();
    this.totalTimeoutNanos = t.total().toNanos();
    this.firstByteTimeoutNanos = Math.min(t.firstByte().toNanos(), totalTimeoutNanos);
    this.connectTimeoutMillis = Math.max(1, Math.min(t.connect().toMillis(), t.total().toMillis()));
    EndpointOptions options = endpoint.options();
    // Built once, before any load (a bad CA bundle fails here, naming the file).
    this.ssl = endpoint.tls() ? options.tls().clientContext() : null;
    this.transport = new TargetTransport(endpoint.baseUri(), ssl, options, options.connectVia(), connectTimeoutMillis);
    this.target = endpoint.origin();
    this.completionsPath = transport.requestTarget(endpoint.pathPrefix() + "/v1/chat/completions");
    this.hostHeader = AsciiString.of(endpoint.hostHeader());
    this.authName = endpoint.apiKey() == null ? null : AsciiString.of(options.auth().headerName());
    this.authValue = endpoint.apiKey() == null ? null : AsciiString.of(options.auth().value(endpoint.apiKey()));
    this.extraHeaders = options.extraHeaders();
    this.head = new RequestHead(completionsPath, endpoint.hostHeader(), extraHeaders, authName, authValue);
    Instant now = Instant.now();
    this.nanosAtBase = System.nanoTime();
    this.epochMicrosAtBase = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    // Loops that never spin for a task a preempted caller has half handed over: they may run real-time (useRealtime).
    this.group = new PreemptionSafeEventLoopGroup(ioThreads,
        new DefaultThreadFactory("capkit-loadgen", true), TRANSPORT.ioHandlerFactory());
    this.bootstrap = new Bootstrap()
        .group(group)
        .channel(TRANSPORT.channelClass())
        .resolver(NoopAddressResolverGroup.INSTANCE) // addresses are resolved up front; a proxy tunnel's stays a name
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ReadClock clock = new ReadClock();
            ch.pipeline().addLast("clock", clock);
            transport.install(ch); // proxy tunnel and TLS between the read clock and HTTP
            ch.pipeline().addLast("exchange", new ExchangeHandler(clock));
          }
        });
    this.controlGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("capkit-control", true),
        TRANSPORT.ioHandlerFactory());
    this.controlBootstrap = bootstrap.clone(controlGroup);
    this.pacer = group.next();
  }

  public ChatEndpoint endpoint() {
    return endpoint;
  }

  /** The event-loop transport of this JVM's clients (see {@link ClientTransport}), e.g. {@code epoll}. */
  public static String transportName() {
    return TRANSPORT.label();
  }

  /**
   * Sends one request; the future always completes normally, with a record whose outcome says how
   * it went. {@code scheduleLagNanos} (actual minus intended send time, open-loop load) is copied
   * into the record; pass {@code 0} for closed-loop requests.
   */
  public CompletableFuture<RequestRecord> send(ChatRequest request, long scheduleLagNanos) {
    return send(request, scheduleLagNanos, new CompletableFuture<>());
  }

  /**
   * Sends one request at {@code intendedNanoTime} ({@code System.nanoTime()}; at once if that has passed): an
   * open-loop arrival handed over ahead of its time. The wait is a timer on the client's pacing event loop, which
   * then writes the request itself, where {@link #send} from a sleeping thread costs that thread's wake-up and a
   * cross-thread hand-over (an {@code eventfd} write and the event loop's wake-up) per request: calls made together
   * (a burst of arrivals planned ahead) are handed over together, with one wake-up of the loop. The record's schedule
   * lag is the actual send time minus {@code intendedNanoTime} (the loop's timer slack and any busy time of the loop).
   * {@code atSend}, if not null, runs on the event loop just before the request is sent (e.g. a live in-flight
   * count). The future always completes normally, as {@link #send}'s.
   */
  public CompletableFuture<RequestRecord> sendAt(ChatRequest request, long intendedNanoTime, Runnable atSend) {
    TimedSend t = new TimedSend(request, intendedNanoTime, atSend, new CompletableFuture<>());
    waiting.add(t);
    if (pacer.inEventLoop()) {
      scheduleTimed(t);
      return t.future();
    }
    timed.add(t);
    if (drainPending.compareAndSet(false, true)) {
      try {
        pacer.execute(this::drainTimed);
      } catch (RuntimeException e) {
        // Event loops rejecting work: close() raced with this call; close() fails what is still waiting.
        drainPending.set(false);
        if (group.isShuttingDown()) {
          failWaiting("client is shutting down: " + e);
        }
      }
    }
    return t.future();
  }

  /** A {@link #sendAt} request not yet sent. */
  private record TimedSend(ChatRequest request, long intendedNanos, Runnable atSend,
      CompletableFuture<RequestRecord> future) {}

  // On the pacing loop: every request handed over since the last drain gets its timer (no wake-up: inside the loop).
  private void drainTimed() {
    drainPending.set(false);
    TimedSend t;
    while ((t = timed.poll()) != null) {
      scheduleTimed(t);
    }
  }

  private void scheduleTimed(TimedSend t) {
    long delay = t.intendedNanos() - System.nanoTime();
    if (delay <= 0) {
      fireTimed(t);
    } else {
      pacer.schedule(() -> fireTimed(t), delay, TimeUnit.NANOSECONDS);
    }
  }

  private void fireTimed(TimedSend t) {
    if (!waiting.remove(t)) {
      return; // failed by close()
    }
    if (t.atSend() != null) {
      t.atSend().run();
    }
    send(t.request(), Math.max(0, System.nanoTime() - t.intendedNanos()), t.future());
  }

  private void failWaiting(String why) {
    for (TimedSend t : List.copyOf(waiting)) {
      if (waiting.remove(t)) {
        long now = System.nanoTime();
        Exchange exchange = new Exchange(this, t.request(), TraceIds.fresh(), now, epochMicros(now),
            Math.max(0, now - t.intendedNanos()), t.future());
        exchange.failEarly(Outcome.CONNECT_ERROR, why);
      }
    }
  }

  private CompletableFuture<RequestRecord> send(ChatRequest request, long scheduleLagNanos,
      CompletableFuture<RequestRecord> future) {
    long sendNanos = System.nanoTime();
    Exchange exchange = new Exchange(this, request, TraceIds.fresh(), sendNanos, epochMicros(sendNanos),
        scheduleLagNanos, future);
    inFlight.add(exchange);
    exchange.future().whenComplete((r, e) -> inFlight.remove(exchange));
    if (closed || group.isShuttingDown()) {
      exchange.failEarly(Outcome.CONNECT_ERROR, "client is closed");
    } else if (transport.unusable() != null) {
      exchange.failEarly(Outcome.CONNECT_ERROR, transport.unusable());
    } else {
      Channel pooled = pool.acquire();
      try {
        if (pooled != null) {
          ByteBuf httpRequest = httpRequest(exchange);
          if (pooled.eventLoop().inEventLoop()) {
            exchange.start(pooled, httpRequest); // sendAt's timer fired on this connection's loop
          } else {
            pooled.eventLoop().execute(() -> exchange.start(pooled, httpRequest));
          }
        } else {
          connectAndStart(exchange);
        }
      } catch (RuntimeException e) {
        // Event loops rejecting work: close() raced with this send.
        if (pooled != null) {
          pooled.close();
        }
        exchange.failEarly(Outcome.CONNECT_ERROR, "client is shutting down: " + e);
      }
    }
    return exchange.future();
  }

  /**
   * {@code -Dcapkit.loadgen.realtime=N}: with a priority 1..99, puts this client's
   * event loops and the JVM's VM thread and G1 stop-the-world workers in {@code SCHED_FIFO} at that priority (not the
   * callers' threads: open-loop arrivals handed over with {@link #sendAt} are sent by the event loop itself) (see {@link RealtimeThreads}: for a dedicated injector whose
   * other tasks must not delay the client's reads); null, blank or 0 leaves them ordinary. Call once, before load.
   *
   * @return what {@link #scheduling()} says from now on
   * @throws IllegalArgumentException naming the property and the value: not a priority, or the process has no right
   *                                  to set real-time priorities (root, CAP_SYS_NICE or {@code ulimit -r})
   */
  public synchronized String useRealtime(String value) {
    int priority = RealtimeThreads.priority(value);
    if (priority > 0) {
      if (realtime != null) {
        throw new IllegalStateException("real-time scheduling is already set: " + realtime.describe());
      }
      realtime = new RealtimeThreads(priority, group, controlGroup);
    }
    return scheduling();
  }

  /** How this client's threads are scheduled, for run.json: ordinary, or SCHED_FIFO and which threads. */
  public String scheduling() {
    RealtimeThreads rt = realtime;
    return rt == null ? "ordinary (SCHED_OTHER)" : rt.describe();
  }

  /**
   * For benchmarks that split a TTFT into the client's and the server's parts (the separate-process
   * ceiling benchmark, loadgen/README.md): {@code listener} gets each load request's id and the
   * {@code System.nanoTime()} at which its bytes had been written to the socket (connect, TLS and the
   * event-loop hand-over included). It runs on the event loop: keep it short. Not set in runs.
   */
  public void onRequestWritten(java.util.function.ObjLongConsumer<String> listener) {
    this.writtenListener = listener;
  }

  /**
   * Checks the target before load starts: {@code GET /v1/models}. Never completes exceptionally;
   * see {@link ProbeResult} for the messages (401/403: check CAPKIT_API_KEY; refused: unreachable;
   * untrusted certificate: the remedy; model not listed).
   */
  public CompletableFuture<ProbeResult> probe() {
    return new ModelsProbe(endpoint).run(control(HttpMethod.GET, endpoint.pathPrefix() + "/v1/models", null));
  }

  /**
   * A request outside the load on the target's own path ({@code path} from the server root, with
   * the base path if the server needs it), on a fresh connection with the load's TLS, proxy, auth
   * and extra headers. Never completes exceptionally; waits at most the first-byte timeout (30 s cap).
   */
  public CompletableFuture<ControlAnswer> control(HttpMethod method, String path, byte[] jsonBody) {
    return new ControlRequest(controlBootstrap, transport, method, path, controlHeaders(), jsonBody, controlTimeoutNanos()).run();
  }

  /**
   * As {@link #control(HttpMethod, String, byte[])} for an absolute URL of another origin or of
   * the target itself reached directly (the {@code /metrics} scrape bypasses netem), same trust,
   * proxy and headers.
   */
  public CompletableFuture<ControlAnswer> control(HttpMethod method, URI url, byte[] jsonBody) {
    TargetTransport direct = new TargetTransport(url, "https".equals(url.getScheme()) ? ssl() : null, endpoint.options(), null,
        connectTimeoutMillis);
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    return new ControlRequest(controlBootstrap, direct, method, path, controlHeaders(), jsonBody, controlTimeoutNanos()).run();
  }

  /** {@code GET url} outside the load, as {@link #control(HttpMethod, URI, byte[])}. */
  public CompletableFuture<ControlAnswer> get(URI url) {
    return control(HttpMethod.GET, url, null);
  }

  private synchronized SslContext ssl() {
    if (ssl != null) {
      return ssl;
    }
    if (controlSsl == null) {
      controlSsl = endpoint.options().tls().clientContext();
    }
    return controlSsl;
  }

  private Map<String, String> controlHeaders() {
    Map<String, String> h = new LinkedHashMap<>(extraHeaders);
    h.put(HttpHeaderNames.ACCEPT.toString(), "application/json, text/plain;q=0.9, */*;q=0.5");
    if (authName != null) {
      h.put(authName.toString(), authValue.toString());
    }
    return h;
  }

  private long controlTimeoutNanos() {
    return Math.min(firstByteTimeoutNanos, TimeUnit.SECONDS.toNanos(30));
  }

  /** Closes idle connections and stops the event loops; requests still in flight end as broken. */
  @Override
  public void close() {
    closed = true;
    RealtimeThreads rt = realtime;
    if (rt != null) {
      rt.close();
    }
    pool.closeAll();
    controlGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    controlGroup.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    // A send racing this close can connect on a terminated event loop: Netty then cannot run the connect
    // listener ("Failed to submit a listener notification task") and the request would never answer its
    // caller (a Gatling user waits forever and the run hangs; ChatClientCloseTest reproduces it). Every
    // send registers in inFlight before it reads `closed`, so each such request is in the set here.
    failWaiting("the client was closed before the request's send time");
    for (Exchange exchange : List.copyOf(inFlight)) {
      exchange.failEarly(Outcome.BROKEN_STREAM, "the client was closed while the request was in flight");
    }
  }

  @Override
  public String toString() {
    return "ChatClient[" + endpoint + "]";
  }

  // --- used by Exchange

  void connectAndStart(Exchange exchange) {
    ChannelFuture connect = bootstrap.connect(transport.connectAddress());
    connect.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        connectFailed(exchange, f.cause());
        return;
      }
      Channel ch = f.channel();
      Future<?> ready = transport.ready(ch);
      if (ready == null) {
        exchange.start(ch, httpRequest(exchange));
      } else {
        ready.addListener(r -> {
          if (r.isSuccess()) {
            exchange.start(ch, httpRequest(exchange));
          } else {
            ch.close();
            connectFailed(exchange, r.cause());
          }
        });
      }
    });
  }

  private void connectFailed(Exchange exchange, Throwable cause) {
    LOG.debug("connect to {} failed: {}", target, cause.toString());
    exchange.connectFailed(TargetTransport.timedOut(cause), transport.explain(cause));
  }

  void release(Channel channel) {
    if (closed) {
      channel.close();
    } else {
      pool.release(channel);
    }
  }

  void requestWritten(String requestId) {
    java.util.function.ObjLongConsumer<String> listener = writtenListener;
    if (listener != null) {
      listener.accept(requestId, System.nanoTime());
    }
  }

  long totalTimeoutNanos() {
    return totalTimeoutNanos;
  }

  long firstByteTimeoutNanos() {
    return firstByteTimeoutNanos;
  }

  int idleConnections() {
    return pool.idleCount();
  }

  private ByteBuf httpRequest(Exchange exchange) {
    return head.request(exchange.request(), exchange.ids());
  }

  private long epochMicros(long nanos) {
    return epochMicrosAtBase + (nanos - nanosAtBase) / 1_000;
  }
}
