package dev.capkit.llamacpp.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.llamacpp.engine.CompletionResult;
import dev.capkit.llamacpp.engine.LlamaCppEngine;
import dev.capkit.llamacpp.engine.PromptTooLongException;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the OpenAI-compatible endpoints of the llama.cpp engine: {@code POST /v1/chat/completions},
 * {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics} (llama.cpp's names, see
 * {@code EngineMetrics}) and {@code POST /tokenize} (llama.cpp's shape: {@code {"content": "..."}}
 * in, {@code {"tokens": [...]}} out). Completions run on worker threads, one per request in
 * flight, so the event loop never waits for the engine.
 */
@ChannelHandler.Sharable
final class EngineRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(EngineRequestHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LlamaCppEngine engine;
  private final ExecutorService workers;
  private final long created = System.currentTimeMillis() / 1000;
  private final AtomicLong sequence = new AtomicLong();

  EngineRequestHandler(LlamaCppEngine engine, ExecutorService workers) {
    this.engine = engine;
    this.workers = workers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = request.uri();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    try {
      switch (path) {
        case "/health" -> {
          requireMethod(request, HttpMethod.GET);
          send(ctx, HttpResponseStatus.OK, "application/json", health(), keepAlive);
        }
        case "/metrics" -> {
          requireMethod(request, HttpMethod.GET);
          send(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4", engine.metrics().render(), keepAlive);
        }
        case "/v1/models" -> {
          requireMethod(request, HttpMethod.GET);
          send(ctx, HttpResponseStatus.OK, "application/json", models(), keepAlive);
        }
        case "/tokenize" -> {
          requireMethod(request, HttpMethod.POST);
          send(ctx, HttpResponseStatus.OK, "application/json", tokenize(ByteBufUtil.getBytes(request.content())), keepAlive);
        }
        case "/v1/chat/completions" -> {
          requireMethod(request, HttpMethod.POST);
          chat(ctx, ChatCall.parse(ByteBufUtil.getBytes(request.content())), keepAlive);
        }
        default -> throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_found_error", null, "no route " + path);
      }
    } catch (ApiError e) {
      LOG.debug("{} {} -> {} {}", request.method(), path, e.status().code(), e.getMessage());
      send(ctx, e.status(), "application/json", e.json(), keepAlive);
    }
  }

  private void chat(ChannelHandlerContext ctx, ChatCall call, boolean keepAlive) {
    String id = "chatcmpl-" + Long.toHexString(created) + "-" + sequence.incrementAndGet();
    ChatResponder responder = new ChatResponder(ctx, id, engine.options().modelName(), call.stream(),
        call.includeUsage(), keepAlive);
    workers.execute(() -> {
      boolean started = false;
      try {
        String prompt = engine.chatPrompt(call.messages());
        int promptTokens = engine.tokenize(prompt).length;
        int maxTokens = call.maxTokens() > 0 ? call.maxTokens() : engine.options().slotContext() - promptTokens;
        engine.checkFits(promptTokens, maxTokens);
        responder.start();
        started = true;
        CompletionResult result = engine.complete(prompt, promptTokens, maxTokens, call.sampling(), responder);
        if (!result.cancelled()) {
          responder.finish(result);
        }
      } catch (PromptTooLongException e) {
        responder.fail(ApiError.badRequest("messages", e.getMessage()), started);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        responder.fail(unavailable("the engine is shutting down"), started);
      } catch (RuntimeException e) {
        LOG.warn("chat completion {} failed", id, e);
        responder.fail(new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "server_error", null,
            "the engine failed: " + e.getMessage()), started);
      }
    });
  }

  private static ApiError unavailable(String why) {
    return new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable_error", null, why);
  }

  private String tokenize(byte[] body) throws ApiError {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw ApiError.badRequest(null, "request body is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.path("content").isTextual()) {
      throw ApiError.badRequest("content", "'content' must be a string");
    }
    var out = JSON.createObjectNode();
    var tokens = out.putArray("tokens");
    for (int t : engine.tokenize(root.get("content").asText())) {
      tokens.add(t);
    }
    return out.toString();
  }

  /**
   * {@code {"status":"ok"}}, plus where llama.cpp's compute runs when the engine placed it
   * ({@code compute_cpus}, {@code host_cpus}, {@code compute_threads}: kernel id and name), so a run can
   * record its layout.
   */
  private String health() {
    var root = JSON.createObjectNode().put("status", "ok").put("threads", engine.options().threads());
    engine.pinning().ifPresent(p -> {
      root.put("compute_cpus", p.compute().toString()).put("host_cpus", p.host().toString());
      var threads = root.putArray("compute_threads");
      p.computeThreads().forEach(t -> threads.addObject().put("tid", t.tid()).put("name", t.name()));
    });
    return root.toString();
  }

  private String models() {
    var root = JSON.createObjectNode().put("object", "list");
    var model = root.putArray("data").addObject();
    model.put("id", engine.options().modelName()).put("object", "model").put("created", created)
        .put("owned_by", "llamacpp");
    model.putObject("meta").put("n_ctx", engine.options().context()).put("n_ctx_slot", engine.options().slotContext())
        .put("n_parallel", engine.options().parallel());
    return root.toString();
  }

  private static void requireMethod(FullHttpRequest request, HttpMethod method) throws ApiError {
    if (!request.method().equals(method)) {
      throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "invalid_request_error", null,
          request.method() + " is not allowed here; use " + method);
    }
  }

  static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, String body, boolean keepAlive) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        ByteBufUtil.writeUtf8(ctx.alloc(), body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    HttpUtil.setKeepAlive(response, keepAlive);
    var future = ctx.writeAndFlush(response);
    if (!keepAlive) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
