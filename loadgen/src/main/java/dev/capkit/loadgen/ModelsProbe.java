package dev.capkit.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code GET /v1/models} on a fresh connection, turned into a {@link ProbeResult} whose message
 * a person can act on. Not on the hot path, so it aggregates the body and uses Jackson's tree.
 */
final class ModelsProbe {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChatEndpoint endpoint;
  private final Bootstrap bootstrap;
  private final InetSocketAddress remote;
  private final String target;
  private final AsciiString hostHeader;
  private final AsciiString authorization;
  private final long connectTimeoutMillis;
  private final long answerTimeoutNanos;
  private final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
  private final AtomicBoolean done = new AtomicBoolean();

  ModelsProbe(ChatEndpoint endpoint, Bootstrap bootstrap, InetSocketAddress remote, String target,
      AsciiString hostHeader, AsciiString authorization, long connectTimeoutMillis, long answerTimeoutNanos) {
    this.endpoint = endpoint;
    this.bootstrap = bootstrap;
    this.remote = remote;
    this.target = target;
    this.hostHeader = hostHeader;
    this.authorization = authorization;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.answerTimeoutNanos = Math.min(answerTimeoutNanos, TimeUnit.SECONDS.toNanos(30));
  }

  CompletableFuture<ProbeResult> run() {
    if (remote.isUnresolved()) {
      finish(new ProbeResult(0, "target " + target + " unreachable: cannot resolve host " + endpoint.host(), null));
      return result;
    }
    Bootstrap probe = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(4 * 1024 * 1024),
            new SimpleChannelInboundHandler<FullHttpResponse>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                finish(interpret(response.status().code(), response.status().reasonPhrase(),
                    response.content().toString(StandardCharsets.UTF_8)));
                ctx.close();
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                finish(new ProbeResult(0, "target " + target + " closed the connection without answering "
                    + "GET /v1/models", null));
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                finish(new ProbeResult(0, "target " + target + " failed while answering GET /v1/models: "
                    + cause.getMessage(), null));
                ctx.close();
              }
            });
      }
    });
    try {
      probe.connect(remote).addListener((ChannelFuture f) -> {
        if (!f.isSuccess()) {
          finish(new ProbeResult(0, connectProblem(f.cause()), null));
          return;
        }
        Channel ch = f.channel();
        ch.eventLoop().schedule(() -> {
          finish(new ProbeResult(0, "target " + target + " did not answer GET /v1/models within "
              + TimeUnit.NANOSECONDS.toMillis(answerTimeoutNanos) + " ms", null));
          ch.close();
        }, answerTimeoutNanos, TimeUnit.NANOSECONDS);
        DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
            endpoint.pathPrefix() + "/v1/models");
        get.headers().set(HttpHeaderNames.HOST, hostHeader);
        get.headers().set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
        get.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (authorization != null) {
          get.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        ch.writeAndFlush(get);
      });
    } catch (RuntimeException e) {
      finish(new ProbeResult(0, "target " + target + " not probed: " + e.getMessage(), null));
    }
    return result;
  }

  private String connectProblem(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return "target " + target + " unreachable: no connection within " + connectTimeoutMillis + " ms";
    }
    if (cause instanceof ConnectException) {
      return "target " + target + " unreachable: connection refused";
    }
    return "target " + target + " unreachable: " + cause.getMessage();
  }

  /** Pure interpretation of the answer; package-private for tests. */
  ProbeResult interpret(int status, String reason, String body) {
    if (status == 401 || status == 403) {
      return new ProbeResult(status, "target " + target + " answered " + status + " " + reason
          + ": check CAPKIT_API_KEY", null);
    }
    if (status != 200) {
      return new ProbeResult(status, "target " + target + " answered " + status + " " + reason
          + " to GET /v1/models: is it an OpenAI-compatible server?", null);
    }
    List<String> models = new ArrayList<>();
    try {
      JsonNode data = JSON.readTree(body).path("data");
      for (JsonNode model : data) {
        String id = model.path("id").asText("");
        if (!id.isEmpty()) {
          models.add(id);
        }
      }
    } catch (Exception e) {
      return new ProbeResult(status, "target " + target + " answered GET /v1/models with a body that is not JSON: "
          + e.getMessage(), null);
    }
    if (!models.isEmpty() && !models.contains(endpoint.model())) {
      return new ProbeResult(status, "target " + target + " does not serve model '" + endpoint.model()
          + "'; it serves " + models + " (set capkit.model)", models);
    }
    return new ProbeResult(status, "", models);
  }

  private void finish(ProbeResult probeResult) {
    if (done.compareAndSet(false, true)) {
      result.complete(probeResult);
    }
  }
}
