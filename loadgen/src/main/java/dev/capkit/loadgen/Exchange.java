package dev.capkit.loadgen;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request in flight: its ids, its {@link StreamTimings}, its deadlines and its future. Once
 * {@link #start} has run, every method runs on the connection's event loop, so the timings need no
 * locks; the only cross-thread step is {@link #start} itself, handed over with
 * {@code eventLoop().execute}.
 *
 * <p>Never retries and never re-sends: every failure completes the future with a record. The one
 * fallback, opening a fresh connection when a pooled one closed before anything was written on
 * it, sends the request for the first time.
 */
final class Exchange {

  private final ChatClient client;
  private final ChatRequest request;
  private final TraceIds ids;
  private final long sendNanos;
  private final long startEpochMicros;
  private final long scheduleLagNanos;
  private final StreamTimings timings;
  private final CompletableFuture<RequestRecord> future;

  private Channel channel;
  private ExchangeHandler handler;
  private ScheduledFuture<?> totalTimer;
  private ScheduledFuture<?> firstByteTimer;
  private boolean keepAlive = true;

  Exchange(ChatClient client, ChatRequest request, TraceIds ids, long sendNanos, long startEpochMicros,
      long scheduleLagNanos, CompletableFuture<RequestRecord> future) {
    this.future = future;
    this.client = client;
    this.request = request;
    this.ids = ids;
    this.sendNanos = sendNanos;
    this.startEpochMicros = startEpochMicros;
    this.scheduleLagNanos = scheduleLagNanos;
    this.timings = request.stream() ? StreamTimings.streaming(sendNanos) : StreamTimings.whole(sendNanos);
  }

  CompletableFuture<RequestRecord> future() {
    return future;
  }

  TraceIds ids() {
    return ids;
  }

  ChatRequest request() {
    return request;
  }

  long sendNanos() {
    return sendNanos;
  }

  /** Fails before any connection was involved (client closed, host unresolvable). */
  void failEarly(Outcome outcome, String why) {
    timings.onFailure(outcome, System.nanoTime(), why);
    future.complete(record());
  }

  /**
   * Connecting failed (TCP connect, proxy tunnel or TLS handshake; {@code why} names the target and
   * the remedy); runs on the event loop that tried.
   */
  void connectFailed(boolean timedOut, String why) {
    timings.onFailure(timedOut ? Outcome.CONNECT_TIMEOUT : Outcome.CONNECT_ERROR, System.nanoTime(), why);
    future.complete(record());
  }

  /** Binds to a connection and writes the request; runs on {@code ch.eventLoop()}. */
  void start(Channel ch, ByteBuf httpRequest) {
    if (!ch.isActive()) {
      httpRequest.release();
      client.connectAndStart(this); // nothing was written on it: this is the first send, not a retry
      return;
    }
    channel = ch;
    handler = ch.pipeline().get(ExchangeHandler.class);
    handler.begin(this);
    long remaining = client.totalTimeoutNanos() - (System.nanoTime() - sendNanos);
    if (remaining <= 0) {
      httpRequest.release();
      onTotalTimeout();
      return;
    }
    totalTimer = ch.eventLoop().schedule(this::onTotalTimeout, remaining, TimeUnit.NANOSECONDS);
    ch.writeAndFlush(httpRequest).addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        onWritten();
      } else {
        onBroken("writing the request failed: " + f.cause());
      }
    });
  }

  private void onWritten() {
    client.requestWritten(ids.requestId());
    if (timings.isFinished() || timings.firstByteSeen()) {
      return;
    }
    // Deadline starts once the request is fully written, like Go's ResponseHeaderTimeout: a
    // 1.5 MB screenshot body must not eat into the server's time to answer.
    firstByteTimer = channel.eventLoop().schedule(this::onFirstByteTimeout,
        client.firstByteTimeoutNanos(), TimeUnit.NANOSECONDS);
  }

  void onHeaders(long arrivalNanos, int status, String contentType, boolean keepAliveAllowed) {
    cancel(firstByteTimer);
    keepAlive = keepAliveAllowed;
    timings.onHeaders(arrivalNanos, status, contentType);
  }

  void onRead(long arrivalNanos, byte[] buf, int off, int len) {
    timings.onRead(arrivalNanos, buf, off, len);
  }

  void onEnd(long arrivalNanos) {
    timings.onEnd(arrivalNanos);
    complete(keepAlive);
  }

  void onBroken(String why) {
    if (future.isDone()) {
      return;
    }
    timings.onBroken(System.nanoTime(), why);
    complete(false);
  }

  void onMalformed(String why) {
    if (future.isDone()) {
      return;
    }
    timings.onFailure(Outcome.INVALID_RESPONSE, System.nanoTime(), "malformed HTTP response: " + why);
    complete(false);
  }

  private void onFirstByteTimeout() {
    if (future.isDone() || timings.firstByteSeen()) {
      return;
    }
    timings.onFailure(Outcome.FIRST_BYTE_TIMEOUT, System.nanoTime(),
        "no response byte within firstByte timeout " + client.endpoint().timeouts().firstByte());
    complete(false);
  }

  private void onTotalTimeout() {
    if (future.isDone()) {
      return;
    }
    long now = System.nanoTime();
    if (timings.firstByteSeen()) {
      timings.onFailure(Outcome.TOTAL_TIMEOUT, now,
          "response not complete within total timeout " + client.endpoint().timeouts().total());
    } else {
      // The first-byte deadline is never later than the total one: no byte yet is a first-byte timeout.
      timings.onFailure(Outcome.FIRST_BYTE_TIMEOUT, now,
          "no response byte within total timeout " + client.endpoint().timeouts().total());
    }
    complete(false);
  }

  private void complete(boolean reusable) {
    if (future.isDone()) {
      return;
    }
    cancel(firstByteTimer);
    cancel(totalTimer);
    if (handler != null) {
      handler.end(this);
    }
    if (channel != null) {
      if (reusable) {
        client.release(channel);
      } else {
        channel.close();
      }
    }
    future.complete(record());
  }

  private RequestRecord record() {
    return timings.toRecord(ids.requestId(), ids.traceId(), request.kind(), startEpochMicros, scheduleLagNanos);
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
