package dev.capkit.emulator.server;

import dev.capkit.twin.PromptAdmission;
import dev.capkit.twin.engine.EngineRequest;
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
import io.netty.util.AsciiString;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes vLLM's OpenAI-server endpoints: {@code POST /v1/chat/completions}, {@code GET /v1/models},
 * {@code GET /health}, {@code GET /metrics}. Echoes {@code X-Request-Id}. Errors are OpenAI-style
 * JSON: 400 bad request, 401 wrong key, 404 unknown model, 429 + Retry-After when the waiting queue
 * is full, 503 + Retry-After while loading.
 */
@ChannelHandler.Sharable
final class OpenAiRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** The {@code Server} header of the emulator's answers; capkit's client reads it as "capkit emulator". */
  public static final String SERVER_NAME = "capkit-emulator";

  static final AsciiString REQUEST_ID = AsciiString.cached("x-request-id");
  /**
   * Sent by capkit's load generator: which planned request this is, the same in every run of one
   * plan whichever injector sends it. When present it seeds the answer instead of X-Request-Id, so
   * runs of one plan (one injector or several, one network profile or another) get the same answers,
   * as a server sampling at temperature 0 would give the same prompt the same answer.
   */
  static final AsciiString PLAN_KEY = AsciiString.cached("x-capkit-plan-key");
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiRequestHandler.class);

  private final ServerContext context;
  private final AtomicLong sequence = new AtomicLong();

  OpenAiRequestHandler(ServerContext context) {
    this.context = context;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long arrival = System.nanoTime();
    String path = request.uri();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    String requestId = request.headers().get(REQUEST_ID);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    try {
      boolean loading = arrival - context.readyAtNanos() < 0;
      switch (path) {
        case "/health" -> {
          requireMethod(request, HttpMethod.GET);
          if (loading) {
            throw unavailable("model is loading");
          }
          send(ctx, HttpResponseStatus.OK, null, "", keepAlive, requestId, null);
        }
        case "/metrics" -> {
          requireMethod(request, HttpMethod.GET);
          send(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
              context.metrics().render(context.modelName()), keepAlive, requestId, null);
        }
        case "/v1/models" -> {
          requireMethod(request, HttpMethod.GET);
          authorize(request);
          if (loading) {
            throw unavailable("model is loading");
          }
          send(ctx, HttpResponseStatus.OK, "application/json", models(), keepAlive, requestId, null);
        }
        case "/v1/chat/completions" -> {
          requireMethod(request, HttpMethod.POST);
          authorize(request);
          if (loading) {
            throw unavailable("model is loading");
          }
          chat(ctx, request, arrival, requestId, keepAlive);
        }
        default -> send(ctx, HttpResponseStatus.NOT_FOUND, "application/json", "{\"detail\":\"Not Found\"}", keepAlive,
            requestId, null);
      }
    } catch (ApiError e) {
      if (e.status().code() >= 500 || e.status().code() == 429) {
        LOG.debug("{} {} x-request-id={} -> {}", request.method(), path, requestId, e.status().code());
      } else {
        LOG.debug("{} {} x-request-id={} -> {} {}", request.method(), path, requestId, e.status().code(), e.getMessage());
      }
      String retryAfter = e.status().code() == 429 || e.status().code() == 503 ? "1" : null;
      send(ctx, e.status(), "application/json", e.json(), keepAlive, requestId, retryAfter);
    }
  }

  private void chat(ChannelHandlerContext ctx, FullHttpRequest request, long arrival, String requestId, boolean keepAlive)
      throws ApiError {
    ChatCompletionCall call = ChatCompletionCall.parse(context.json(), ByteBufUtil.getBytes(request.content()));
    if (!call.model().equals(context.modelName())) {
      throw new ApiError(HttpResponseStatus.NOT_FOUND, "NotFoundError", "model",
          "The model `" + call.model() + "` does not exist.");
    }
    long n = sequence.incrementAndGet();
    String planKey = request.headers().get(PLAN_KEY);
    String key = planKey != null && !planKey.isBlank() ? planKey
        : requestId != null && !requestId.isBlank() ? requestId : "req-" + n;
    String completionId = "chatcmpl-" + Long.toHexString(context.seed() * 31 + n) + Long.toHexString(arrival & 0xFFFFFF);
    ChatResponder responder = new ChatResponder(ctx, context.metrics(), completionId, context.modelName(), call.stream(),
        call.includeUsage(), keepAlive, requestId, arrival);
    PromptAdmission.Admitted admitted;
    try {
      admitted = context.admission().admit(key, call.textTokens(), call.promptChars(), call.images(), call.maxTokens(),
          responder, call.parts(), call.ignoreEos());
    } catch (PromptAdmission.Refusal r) {
      throw ApiError.badRequest(r.param(), r.getMessage());
    }
    EngineRequest engineRequest = admitted.request();
    int breakAt = call.stream() && faultHits(key) ? Math.max(1, admitted.answer().tokens() / 2) : -1;
    // Token deliveries run on this channel's event loop, i.e. after this method returns, so the
    // stream's headers written just below always precede its first chunk.
    if (!context.engine().submit(engineRequest)) {
      throw overloaded();
    }
    responder.admitted(admitted.answer(), admitted.promptTokens(), breakAt);
    LOG.debug("POST /v1/chat/completions x-request-id={} prompt_tokens={} completion_tokens={} stream={}",
        key, admitted.promptTokens(), admitted.answer().tokens(), call.stream());
    ctx.channel().closeFuture().addListener(f -> {
      if (!engineRequest.isFinished()) {
        context.engine().abort(engineRequest);
      }
    });
  }

  private ApiError overloaded() {
    return new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS, "RateLimitError", null,
        "The server is overloaded: " + context.engine().waiting() + " requests are waiting, "
            + context.metrics().inFlight() + " in flight (the emulator's bound: " + context.engine().maxInFlight()
            + "); retry later.");
  }

  private boolean faultHits(String key) {
    double fraction = context.brokenStreamFraction();
    if (fraction <= 0) {
      return false;
    }
    long h = (context.seed() * 0x9E3779B97F4A7C15L) ^ key.hashCode();
    h ^= h >>> 31;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 29;
    return (h >>> 11) * 0x1.0p-53 < fraction;
  }

  private void authorize(FullHttpRequest request) throws ApiError {
    String key = context.apiKey();
    if (key == null) {
      return;
    }
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header == null || !header.equals("Bearer " + key)) {
      throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "AuthenticationError", null,
          "Unauthorized: missing or wrong API key in the Authorization header");
    }
  }

  private static void requireMethod(FullHttpRequest request, HttpMethod method) throws ApiError {
    if (!request.method().equals(method)) {
      throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", null,
          request.method() + " is not allowed here; use " + method);
    }
  }

  private static ApiError unavailable(String why) {
    return new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "ServiceUnavailableError", null, why);
  }

  private String models() {
    var plan = context.plan();
    return "{\"object\":\"list\",\"data\":[{\"id\":" + Json.quote(context.modelName()) + ",\"object\":\"model\",\"created\":"
        + (context.readyAtNanos() / 1_000_000_000L > 0 ? System.currentTimeMillis() / 1000 : 0)
        + ",\"owned_by\":\"vllm\",\"root\":" + Json.quote(plan.model().hfId()) + ",\"parent\":null,\"max_model_len\":"
        + plan.serving().maxModelLen() + ",\"permission\":[]}]}";
  }

  static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, String body,
      boolean keepAlive, String requestId, String retryAfter) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        ByteBufUtil.writeUtf8(ctx.alloc(), body));
    if (contentType != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    // Says who answered, so a run aimed at a standalone emulator by URL is recorded as emulated, not measured.
    response.headers().set(HttpHeaderNames.SERVER, SERVER_NAME);
    if (requestId != null) {
      response.headers().set(REQUEST_ID, requestId);
    }
    if (retryAfter != null) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
    }
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
