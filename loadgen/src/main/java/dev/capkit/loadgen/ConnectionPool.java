package dev.capkit.loadgen;

import io.netty.channel.Channel;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Idle keep-alive connections to one endpoint, reused most-recently-used first (as the OpenAI
 * Python client's httpx pool does), so a closed-loop agent does not pay a TCP handshake per step.
 *
 * <p>Idle connections are dropped after {@link #MAX_IDLE_NANOS}: uvicorn, which serves vLLM's and
 * SGLang's OpenAI API, closes keep-alive connections after 5 s idle, and a POST written onto a
 * connection the server is closing at that moment would fail without the server ever seeing it.
 * Staying well under 5 s makes that race practically impossible; capkit never re-sends, so it
 * must not provoke it. There is no upper bound on open connections: every concurrent request has
 * its own, as with an unbounded client pool.
 */
final class ConnectionPool {

  static final long MAX_IDLE_NANOS = 3_000_000_000L;

  private record Idle(Channel channel, long sinceNanos) {}

  private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();

  /** An open idle connection, or {@code null} when none is available. */
  Channel acquire() {
    long now = System.nanoTime();
    Idle candidate;
    while ((candidate = idle.pollFirst()) != null) {
      Channel channel = candidate.channel();
      if (!channel.isActive()) {
        continue;
      }
      if (now - candidate.sinceNanos() > MAX_IDLE_NANOS) {
        channel.close();
        continue;
      }
      return channel;
    }
    return null;
  }

  /** Returns a connection whose last response was read completely and allows keep-alive. */
  void release(Channel channel) {
    long now = System.nanoTime();
    if (channel.isActive()) {
      idle.addFirst(new Idle(channel, now));
    }
    // The oldest entries sit at the tail; trim expired or closed ones so a burst of connections
    // does not linger after the load drops.
    Idle oldest;
    while ((oldest = idle.peekLast()) != null
        && (!oldest.channel().isActive() || now - oldest.sinceNanos() > MAX_IDLE_NANOS)) {
      if (idle.removeLastOccurrence(oldest)) {
        oldest.channel().close();
      }
    }
  }

  /** Closes every idle connection. */
  void closeAll() {
    Idle candidate;
    while ((candidate = idle.pollFirst()) != null) {
      candidate.channel().close();
    }
  }

  int idleCount() {
    return idle.size();
  }
}
