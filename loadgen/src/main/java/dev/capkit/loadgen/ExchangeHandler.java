package dev.capkit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every connection: routes decoded HTTP parts to the one {@link Exchange} using
 * the connection (HTTP/1.1 without pipelining: at most one at a time). Arrival times come from
 * {@link ReadClock}, i.e. the socket read, not from when the decoder got here.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);

  private final ReadClock clock;
  private Exchange current;
  private byte[] scratch = new byte[8192]; // per connection: body bytes are copied here, never per chunk

  ExchangeHandler(ReadClock clock) {
    this.clock = clock;
  }

  void begin(Exchange exchange) {
    current = exchange;
  }

  void end(Exchange exchange) {
    if (current == exchange) {
      current = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      Exchange exchange = current;
      if (exchange == null) {
        // Bytes with no request outstanding: the connection is out of step; never reuse it.
        LOG.debug("unexpected {} on idle connection {}; closing it", msg.getClass().getSimpleName(), ctx.channel());
        ctx.close();
        return;
      }
      if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
        exchange.onMalformed(String.valueOf(object.decoderResult().cause().getMessage()));
        return;
      }
      long arrival = clock.lastReadNanos();
      if (msg instanceof HttpResponse response) {
        exchange.onHeaders(arrival, response.status().code(),
            response.headers().get(HttpHeaderNames.CONTENT_TYPE), HttpUtil.isKeepAlive(response));
      }
      if (msg instanceof HttpContent content) {
        copyOut(exchange, arrival, content.content());
        if (msg instanceof LastHttpContent) {
          exchange.onEnd(arrival);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void copyOut(Exchange exchange, long arrival, ByteBuf content) {
    int len = content.readableBytes();
    if (len == 0) {
      return;
    }
    if (content.hasArray()) {
      exchange.onRead(arrival, content.array(), content.arrayOffset() + content.readerIndex(), len);
      return;
    }
    if (scratch.length < len) {
      scratch = new byte[Math.max(len, scratch.length * 2)];
    }
    content.getBytes(content.readerIndex(), scratch, 0, len);
    exchange.onRead(arrival, scratch, 0, len);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange exchange = current;
    if (exchange != null) {
      exchange.onBroken("connection closed by the server");
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
