package dev.capkit.loadgen;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of every connection: stamps each network read with {@code System.nanoTime()}
 * before the HTTP decoder sees it. Everything decoded from that read (headers, chunks, several
 * SSE events) runs synchronously inside this call, so it all shares the read's arrival time and
 * no decoding or parsing cost leaks into the measurements.
 */
final class ReadClock extends ChannelInboundHandlerAdapter {

  private long lastReadNanos;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastReadNanos = System.nanoTime();
    ctx.fireChannelRead(msg);
  }

  /** Arrival time of the read being decoded now. */
  long lastReadNanos() {
    return lastReadNanos;
  }
}
