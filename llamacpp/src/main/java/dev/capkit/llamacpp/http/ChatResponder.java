package dev.capkit.llamacpp.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.llamacpp.engine.CompletionResult;
import dev.capkit.llamacpp.engine.TokenSink;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Writes one chat completion back in OpenAI's shape, from the thread that generates it (Netty
 * queues the writes on the channel's event loop in order).
 *
 * <p>Streamed: {@code text/event-stream}, chunked; a role chunk ({@code delta: {role: assistant,
 * content: ""}}) at once, one chunk per token as it arrives, a chunk with {@code finish_reason:
 * "length"}, then, when {@code stream_options.include_usage}, a chunk with {@code choices: []} and
 * {@code usage}, then {@code data: [DONE]}. Not streamed: one {@code chat.completion} object with
 * {@code usage}. Token counts are the engine's.
 */
final class ChatResponder implements TokenSink {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChannelHandlerContext ctx;
  private final String id;
  private final String model;
  private final long created = System.currentTimeMillis() / 1000;
  private final boolean stream;
  private final boolean includeUsage;
  private final boolean keepAlive;
  private final StringBuilder text = new StringBuilder();

  ChatResponder(ChannelHandlerContext ctx, String id, String model, boolean stream, boolean includeUsage,
      boolean keepAlive) {
    this.ctx = ctx;
    this.id = id;
    this.model = model;
    this.stream = stream;
    this.includeUsage = includeUsage;
    this.keepAlive = keepAlive;
  }

  /** Sends the stream's headers and role chunk (nothing for a non-streamed answer). */
  void start() {
    if (!stream) {
      return;
    }
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
    HttpUtil.setTransferEncodingChunked(head, true);
    HttpUtil.setKeepAlive(head, keepAlive);
    ctx.write(head);
    ObjectNode delta = JSON.createObjectNode().put("role", "assistant").put("content", "");
    event(chunk(delta, null).toString());
  }

  @Override
  public boolean token(String piece) {
    if (!ctx.channel().isActive()) {
      return false;
    }
    if (stream) {
      event(chunk(JSON.createObjectNode().put("content", piece), null).toString());
    } else {
      text.append(piece);
    }
    return true;
  }

  @Override
  public boolean wanted() {
    return ctx.channel().isActive();
  }

  void finish(CompletionResult result) {
    ObjectNode usage = JSON.createObjectNode()
        .put("prompt_tokens", result.promptTokens())
        .put("completion_tokens", result.completionTokens())
        .put("total_tokens", result.promptTokens() + result.completionTokens());
    if (!stream) {
      ObjectNode body = JSON.createObjectNode().put("id", id).put("object", "chat.completion")
          .put("created", created).put("model", model);
      ObjectNode choice = body.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", text.toString());
      choice.putNull("logprobs");
      choice.put("finish_reason", "length");
      body.set("usage", usage);
      EngineRequestHandler.send(ctx, HttpResponseStatus.OK, "application/json", body.toString(), keepAlive);
      return;
    }
    event(chunk(JSON.createObjectNode(), "length").toString());
    if (includeUsage) {
      ObjectNode last = header("chat.completion.chunk");
      last.putArray("choices");
      last.set("usage", usage);
      event(last.toString());
    }
    event("[DONE]");
    var done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    if (!keepAlive) {
      done.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Reports a failure: as an error response when nothing was sent yet, else as an error event and a close. */
  void fail(ApiError error, boolean started) {
    if (!started || !stream) {
      EngineRequestHandler.send(ctx, error.status(), "application/json", error.json(), keepAlive);
      return;
    }
    event(error.json());
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
  }

  private ObjectNode header(String object) {
    return JSON.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model);
  }

  private ObjectNode chunk(ObjectNode delta, String finishReason) {
    ObjectNode c = header("chat.completion.chunk");
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return c;
  }

  private void event(String data) {
    ctx.writeAndFlush(new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), "data: " + data + "\n\n")));
  }
}
