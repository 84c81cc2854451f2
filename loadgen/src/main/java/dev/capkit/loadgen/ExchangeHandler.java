package dev.capkit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every connection: decodes the HTTP/1.1 response bytes itself
 * ({@link ResponseReader}: no object per chunk, chunk data handed on where it lies) and routes the
 * parts to the one {@link Exchange} using the connection (HTTP/1.1 without pipelining: at most one
 * at a time). Arrival times come from {@link ReadClock}, i.e. the socket read, not from when the
 * decoder got here. Requests go out as bytes ({@link RequestHead}), with no HTTP encoder in the pipeline.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter implements ResponseReader.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);

  private final ReadClock clock;
  private final ResponseReader reader = new ResponseReader();
  private Exchange current;
  private long arrival; // of the read being decoded
  private byte[] scratch = new byte[8192]; // per connection: direct buffers are copied here, never per chunk

  ExchangeHandler(ReadClock clock) {
    this.clock = clock;
  }

  void begin(Exchange exchange) {
    current = exchange;
    reader.reset();
  }

  void end(Exchange exchange) {
    if (current == exchange) {
      current = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof ByteBuf bytes)) {
        LOG.debug("unexpected {} on connection {}; closing it", msg.getClass().getSimpleName(), ctx.channel());
        ctx.close();
        return;
      }
      int len = bytes.readableBytes();
      if (len == 0) {
        return;
      }
      if (current == null) {
        // Bytes with no request outstanding: the connection is out of step; never reuse it.
        LOG.debug("{} bytes on idle connection {}; closing it", len, ctx.channel());
        ctx.close();
        return;
      }
      arrival = clock.lastReadNanos();
      byte[] buf;
      int off;
      if (bytes.hasArray()) {
        buf = bytes.array();
        off = bytes.arrayOffset() + bytes.readerIndex();
      } else {
        if (scratch.length < len) {
          scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        bytes.getBytes(bytes.readerIndex(), scratch, 0, len);
        buf = scratch;
        off = 0;
      }
      int used = reader.feed(buf, off, len, this);
      if (used < len && current == null) {
        LOG.debug("{} bytes after the response on connection {}; closing it", len - used, ctx.channel());
        ctx.close();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  // --- ResponseReader.Listener: runs inside channelRead, so arrival is this read's.

  @Override
  public void headers(int status, String contentType, boolean keepAlive) {
    Exchange exchange = current;
    if (exchange != null) {
      exchange.onHeaders(arrival, status, contentType, keepAlive);
    }
  }

  @Override
  public void body(byte[] buf, int off, int len) {
    Exchange exchange = current;
    if (exchange != null) {
      exchange.onRead(arrival, buf, off, len);
    }
  }

  @Override
  public void end() {
    Exchange exchange = current;
    if (exchange != null) {
      exchange.onEnd(arrival);
    }
  }

  @Override
  public void malformed(String why) {
    Exchange exchange = current;
    if (exchange != null) {
      exchange.onMalformed(why);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange exchange = current;
    if (exchange != null) {
      // A body delimited by the close ends at its last read (as when Netty's decoder ended it here)
      arrival = clock.lastReadNanos();
      if (!reader.inputClosed(this)) {
        exchange.onBroken("connection closed by the server");
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Exchange exchange = current;
    if (exchange != null) {
      exchange.onBroken(String.valueOf(cause.getMessage()));
    } else {
      LOG.debug("error on idle connection {}: {}", ctx.channel(), cause.toString());
    }
    ctx.close();
  }
}
