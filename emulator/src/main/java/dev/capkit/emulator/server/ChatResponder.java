package dev.capkit.emulator.server;

import dev.capkit.twin.answers.Answer;
import dev.capkit.emulator.runtime.EngineMetrics;
import dev.capkit.emulator.runtime.TokenSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.Executor;

/**
 * Writes one chat completion to its connection as the engine samples tokens, in vLLM's shapes.
 * Streaming: headers at admission; at the first token a role chunk ({@code "delta":{"role":"assistant","content":""}})
 * then one content chunk per token, the last one carrying {@code finish_reason}; a usage chunk
 * ({@code "choices":[]}) when {@code stream_options.include_usage}; then {@code data: [DONE]}.
 * Non-streaming: one {@code chat.completion} body when the last token is sampled.
 * Runs on the channel's event loop.
 */
final class ChatResponder implements TokenSink {
  private final ChannelHandlerContext ctx;
  private final EngineMetrics metrics;
  private final String completionId;
  private final String model;
  private final long created;
  private final boolean stream;
  private final boolean includeUsage;
  private final boolean keepAlive;
  private final String requestId;
  private final long arrivalNanos;
  private static final byte[] NOT_LAST_TAIL = "},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
      .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final byte[] contentPrefix;
  /**
   * The HTTP codec's context: a write from it enters the pipeline below the codec, so a buffer that already carries
   * its chunk framing ({@link HttpChunk}) goes to the socket as it is. Per token that is one buffer and one
   * outbound-buffer entry instead of the encoder's three (length line, content, CRLF), each with its own promise
   * joined by a {@code PromiseCombiner}. The response head and the terminating chunk still go through the codec, so
   * its state (chunked response, then ready for the next one) stays right.
   */
  private final ChannelHandlerContext raw;
  private int breakAtToken = -1;
  private Answer answer;
  private int promptTokens;
  private boolean dead;

  ChatResponder(ChannelHandlerContext ctx, EngineMetrics metrics, String completionId, String model, boolean stream,
      boolean includeUsage, boolean keepAlive, String requestId, long arrivalNanos) {
    this.ctx = ctx;
    this.metrics = metrics;
    this.completionId = completionId;
    this.model = model;
    this.created = System.currentTimeMillis() / 1000;
    this.stream = stream;
    this.includeUsage = includeUsage;
    this.keepAlive = keepAlive;
    this.requestId = requestId;
    this.arrivalNanos = arrivalNanos;
    ChannelHandlerContext codec = ctx.pipeline().context(io.netty.handler.codec.http.HttpServerCodec.class);
    this.raw = codec != null ? codec : ctx;
    // Every content chunk shares this prefix; building it once keeps a token write to a few copies.
    this.contentPrefix = ("data: {\"id\":\"" + completionId + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
        + ",\"model\":" + Json.quote(model) + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Called once the request is admitted, before any token can arrive; sends the stream's headers.
   *
   * @param breakAtToken fault hook: close the connection instead of writing this token (-1 = never)
   */
  void admitted(Answer answer, int promptTokens, int breakAtToken) {
    this.answer = answer;
    this.promptTokens = promptTokens;
    this.breakAtToken = breakAtToken;
    if (stream) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
      HttpUtil.setTransferEncodingChunked(head, true);
      HttpUtil.setKeepAlive(head, keepAlive);
      if (requestId != null) {
        head.headers().set(OpenAiRequestHandler.REQUEST_ID, requestId);
      }
      ctx.writeAndFlush(head);
    }
  }

  @Override
  public Executor executor() {
    return ctx.executor();
  }

  @Override
  public boolean preciseSchedule() {
    return ServerTransport.of(ctx.channel()).preciseTimers();
  }

  @Override
  public long arrivalNanos() {
    return arrivalNanos;
  }

  @Override
  public void onToken(int index, boolean last, long scheduledNanos) {
    metrics.emitLateness(System.nanoTime() - scheduledNanos);
    if (dead || !ctx.channel().isActive()) {
      dead = true;
      return;
    }
    if (index == breakAtToken) {
      dead = true;
      ctx.flush();
      ctx.channel().close(); // fault hook: the client sees the body end mid-stream
      return;
    }
    if (!stream) {
      if (last) {
        writeFull();
      }
      return;
    }
    if (index == 0) {
      event("{\"id\":\"" + completionId + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
          + ",\"model\":" + Json.quote(model) + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
          + "\"logprobs\":null,\"finish_reason\":null}]}");
    }
    String piece = answer.pieces().get(index);
    byte[] tail = last ? lastTail() : NOT_LAST_TAIL;
    ByteBuf buf = HttpChunk.start(ctx.alloc(), contentPrefix.length + piece.length() * 3 + 2 + tail.length);
    buf.writeBytes(contentPrefix);
    Json.writeQuoted(buf, piece);
    buf.writeBytes(tail);
    HttpChunk.end(buf);
    if (index == 0 && requestId != null) {
      // stamped when the chunk has gone to the socket (the flush's writev), not when it was queued: a flush
      // left to the next delivery batch must not count as the client's overhead in the ceiling benchmarks
      raw.write(buf).addListener(f -> {
        if (f.isSuccess()) {
          metrics.firstContentWritten(requestId, System.nanoTime() - arrivalNanos);
        }
      });
    } else {
      // No promise object per token: a failed write reaches exceptionCaught, which closes the connection.
      raw.write(buf, raw.voidPromise());
    }
    if (last) {
      if (includeUsage) {
        event("{\"id\":\"" + completionId + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
            + ",\"model\":" + Json.quote(model) + ",\"choices\":[],\"usage\":" + usage() + "}");
      }
      ByteBuf done = HttpChunk.start(ctx.alloc(), DONE.length);
      raw.write(HttpChunk.end(done.writeBytes(DONE)), raw.voidPromise());
      // The terminating zero-length chunk goes through the HTTP encoder, which ends the response there.
      if (keepAlive) {
        ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
      } else {
        ctx.write(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> ctx.channel().close());
      }
      dead = true;
    }
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  private void writeFull() {
    String body = "{\"id\":\"" + completionId + "\",\"object\":\"chat.completion\",\"created\":" + created
        + ",\"model\":" + Json.quote(model) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + Json.quote(answer.text()) + ",\"tool_calls\":[]},\"logprobs\":null,\"finish_reason\":"
        + Json.quote(answer.finishReason()) + ",\"stop_reason\":null}],\"usage\":" + usage() + "}";
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, utf8(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    HttpUtil.setKeepAlive(response, keepAlive);
    if (requestId != null) {
      response.headers().set(OpenAiRequestHandler.REQUEST_ID, requestId);
    }
    var written = ctx.write(response);
    if (!keepAlive) {
      written.addListener(f -> ctx.channel().close());
    }
    dead = true;
  }

  private String usage() {
    int completion = answer.tokens();
    return "{\"prompt_tokens\":" + promptTokens + ",\"total_tokens\":" + (promptTokens + completion)
        + ",\"completion_tokens\":" + completion + ",\"prompt_tokens_details\":null}";
  }

  /** One SSE event as one pre-framed HTTP chunk (see {@link #raw}). */
  private void event(String json) {
    ByteBuf buf = HttpChunk.start(ctx.alloc(), json.length() * 3 + 8);
    buf.writeBytes(DATA);
    ByteBufUtil.writeUtf8(buf, json);
    buf.writeShort(('\n' << 8) | '\n');
    raw.write(HttpChunk.end(buf), raw.voidPromise());
  }

  private byte[] lastTail() {
    return ("},\"logprobs\":null,\"finish_reason\":" + Json.quote(answer.finishReason()) + "}]}\n\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private ByteBuf utf8(String s) {
    return ByteBufUtil.writeUtf8(ctx.alloc(), s);
  }
}
