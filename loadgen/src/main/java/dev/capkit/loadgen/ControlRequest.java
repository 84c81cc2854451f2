package dev.capkit.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request that is not part of the load, on a fresh connection closed afterwards, through the
 * same TLS, proxy and headers as the load ({@link TargetTransport}). Not on the hot path: the body
 * is aggregated (at most 16 MiB) and decoded as text. The future never completes exceptionally.
 */
final class ControlRequest {

  private static final int MAX_BODY = 16 * 1024 * 1024;

  private final Bootstrap bootstrap;
  private final TargetTransport transport;
  private final FullHttpRequest request;
  private final String what;
  private final long answerTimeoutNanos;
  private final CompletableFuture<ControlAnswer> result = new CompletableFuture<>();
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile String tlsSession;

  /**
   * @param headers  extra headers (auth, the user's), set after Host/Accept
   * @param body     request body (JSON) or null for none
   */
  ControlRequest(Bootstrap bootstrap, TargetTransport transport, HttpMethod method, String path,
      Map<String, String> headers, byte[] body, long answerTimeoutNanos) {
    this.bootstrap = bootstrap;
    this.transport = transport;
    this.what = method + " " + path;
    this.answerTimeoutNanos = answerTimeoutNanos;
    this.request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, transport.requestTarget(path),
        body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    request.headers().set(HttpHeaderNames.HOST, transport.hostHeader());
    request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    request.headers().set(HttpHeaderNames.USER_AGENT, ChatClient.USER_AGENT);
    headers.forEach((k, v) -> request.headers().set(k, v));
    if (body != null) {
      request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    } else if (method.equals(HttpMethod.POST)) {
      request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
  }

  CompletableFuture<ControlAnswer> run() {
    String unusable = transport.unusable();
    if (unusable != null) {
      finish(ControlAnswer.failed("target " + transport.origin() + " unreachable: " + unusable));
      request.release();
      return result;
    }
    Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        transport.install(ch);
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY), new Answer());
      }
    });
    try {
      b.connect(transport.connectAddress()).addListener((ChannelFuture f) -> {
        if (!f.isSuccess()) {
          finish(ControlAnswer.failed(transport.explain(f.cause())));
          request.release();
          return;
        }
        Channel ch = f.channel();
        Future<?> ready = transport.ready(ch);
        if (ready == null) {
          send(ch);
        } else {
          ready.addListener(r -> {
            if (r.isSuccess()) {
              tlsSession = TargetTransport.session(ch);
              send(ch);
            } else {
              request.release();
              finish(ControlAnswer.failed(transport.explain(r.cause())));
              ch.close();
            }
          });
        }
      });
    } catch (RuntimeException e) {
      request.release();
      finish(ControlAnswer.failed("target " + transport.origin() + " not asked " + what + ": " + e.getMessage()));
    }
    return result;
  }

  private void send(Channel ch) {
    ch.eventLoop().schedule(() -> {
      finish(ControlAnswer.failed("target " + transport.origin() + " did not answer " + what + " within "
          + TimeUnit.NANOSECONDS.toMillis(answerTimeoutNanos) + " ms"));
      ch.close();
    }, answerTimeoutNanos, TimeUnit.NANOSECONDS);
    ch.writeAndFlush(request);
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      Map<String, String> headers = new LinkedHashMap<>();
      response.headers().forEach(e -> headers.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
      finish(new ControlAnswer(response.status().code(), response.status().reasonPhrase(), headers,
          response.content().toString(StandardCharsets.UTF_8), tlsSession, null));
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      finish(ControlAnswer.failed("target " + transport.origin() + " closed the connection without answering " + what));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A failed handshake also lands here; the ready listener gives the clearer message, so defer to it.
      Throwable c = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null ? cause.getCause() : cause;
      finish(ControlAnswer.failed(c instanceof javax.net.ssl.SSLException ? transport.explain(c)
          : "target " + transport.origin() + " failed while answering " + what + ": " + c.getMessage()));
      ctx.close();
    }
  }

  private void finish(ControlAnswer answer) {
    if (done.compareAndSet(false, true)) {
      result.complete(answer);
    }
  }
}
