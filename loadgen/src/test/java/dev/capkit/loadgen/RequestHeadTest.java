package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestHead} against Netty's own encoder: the bytes it writes decode (with Netty's request
 * decoder) to the same request line, the same headers and the same body as the request the client
 * used to build with {@code DefaultFullHttpRequest} and send through {@code HttpRequestEncoder}.
 */
class RequestHeadTest {

  private static final String TARGET = "/api/v1/chat/completions";
  private static final String HOST = "gw.example.com:8443";

  @Test
  void sameRequestAsNettysEncoderWithExtraHeadersAuthAndPlanKey() {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("X-Tenant", "load-test");
    extra.put("x-empty", "");
    ChatRequest request = new TextChatRequests("chat", "autoglm-phone-9b", true, false).request(300, 64, 7)
        .withPlanKey("s01-r000042");
    TraceIds ids = TraceIds.fresh();
    RequestHead head = new RequestHead(TARGET, HOST, extra, "authorization", "Bearer sk-test");

    FullHttpRequest ours = decode(head.request(request, ids));
    FullHttpRequest nettys = decode(encodedByNetty(TARGET, HOST, request, ids, extra, "authorization", "Bearer sk-test"));

    assertEquals(nettys.method(), ours.method());
    assertEquals(nettys.uri(), ours.uri());
    assertEquals(nettys.protocolVersion(), ours.protocolVersion());
    assertEquals(headers(nettys.headers()), headers(ours.headers()));
    assertArrayEquals(ByteBufUtil.getBytes(nettys.content()), ByteBufUtil.getBytes(ours.content()));
    assertEquals("s01-r000042", ours.headers().get(ChatClient.X_CAPKIT_PLAN_KEY));
    assertEquals(ids.traceparent(), ours.headers().get("traceparent"));
    assertEquals(request.length(), ours.content().readableBytes());
    ours.release();
    nettys.release();
  }

  @Test
  void nonStreamedRequestWithoutAuthAsksForJson() {
    ChatRequest request = new TextChatRequests("chat", "m", false, false).request(20, 8, 1);
    TraceIds ids = TraceIds.fresh();
    FullHttpRequest ours = decode(new RequestHead("/v1/chat/completions", "127.0.0.1:8000", Map.of(), null, null)
        .request(request, ids));
    FullHttpRequest nettys = decode(encodedByNetty("/v1/chat/completions", "127.0.0.1:8000", request, ids, Map.of(), null, null));
    assertEquals(headers(nettys.headers()), headers(ours.headers()));
    assertEquals("application/json", ours.headers().get("accept"));
    assertEquals(null, ours.headers().get(ChatClient.X_CAPKIT_PLAN_KEY));
    ours.release();
    nettys.release();
  }

  @Test
  void aLineBreakInAValueIsRefusedNotSent() {
    assertThrows(IllegalArgumentException.class,
        () -> new RequestHead("/v1/chat/completions", "h", Map.of(), "authorization", "Bearer x\r\nX-Evil: 1"));
    ChatRequest request = new TextChatRequests("chat", "m", true, false).request(20, 8, 1).withPlanKey("k\r\nX-Evil: 1");
    RequestHead head = new RequestHead("/v1/chat/completions", "h", Map.of(), null, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head.request(request, TraceIds.fresh()));
    assertEquals("plan key 'k\r\nX-Evil: 1': has a line break or control character", e.getMessage());
  }

  /** The request as ChatClient built it before RequestHead, through Netty's encoder. */
  private static ByteBuf encodedByNetty(String target, String host, ChatRequest request, TraceIds ids,
      Map<String, String> extra, String authName, String authValue) {
    FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target,
        Unpooled.wrappedBuffer(request.segments()));
    HttpHeaders h = http.headers();
    h.set("host", host);
    h.set("user-agent", ChatClient.USER_AGENT);
    h.set("content-type", "application/json");
    h.setInt("content-length", request.length());
    h.set("accept", request.stream() ? "text/event-stream" : "application/json");
    extra.forEach(h::set);
    if (authName != null) {
      h.set(authName, authValue);
    }
    h.set("x-request-id", ids.requestId());
    h.set("traceparent", ids.traceparent());
    if (request.planKey() != null) {
      h.set(ChatClient.X_CAPKIT_PLAN_KEY, request.planKey());
    }
    EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestEncoder());
    ch.writeOutbound(http);
    ByteBuf all = Unpooled.buffer();
    ByteBuf part;
    while ((part = ch.readOutbound()) != null) {
      all.writeBytes(part);
      part.release();
    }
    ch.finishAndReleaseAll();
    return all;
  }

  private static FullHttpRequest decode(ByteBuf bytes) {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 20));
    ch.writeInbound(bytes);
    FullHttpRequest request = ch.readInbound();
    ch.finishAndReleaseAll();
    if (request == null) {
      throw new AssertionError("did not decode to one request");
    }
    if (request.decoderResult().isFailure()) {
      throw new AssertionError("malformed: " + request.decoderResult().cause());
    }
    return request;
  }

  /** Headers as (lower-case name, value) pairs in order. */
  private static List<String> headers(HttpHeaders h) {
    List<String> out = new ArrayList<>();
    h.forEach(e -> out.add(e.getKey().toLowerCase(java.util.Locale.ROOT) + ": " + e.getValue()));
    out.sort(null); // the encoder's order was a headers map's; servers do not depend on it
    return out;
  }
}
