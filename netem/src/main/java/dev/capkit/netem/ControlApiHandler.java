package dev.capkit.netem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.netem.toxic.ToxicSettingException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of toxiproxy's API (api.go), with its status codes: 200 reads and updates, 201 proxy
 * create and populate, 204 deletes and reset, 400 bad body or field, 403 browsers (a CSRF guard, as
 * toxiproxy), 404 unknown proxy or toxic, 405 wrong method, 409 name taken. Errors are
 * {@code {"error": "...", "status": N}}.
 */
final class ControlApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ControlApiHandler.class);
  static final String VERSION = "2.12.0-capkit-netem";

  private final ProxyCollection proxies;
  private final ObjectMapper mapper;

  ControlApiHandler(ProxyCollection proxies, ObjectMapper mapper) {
    this.proxies = proxies;
    this.mapper = mapper;
  }

  /** A status and body to send. */
  private record Reply(HttpResponseStatus status, JsonNode body) {
    static Reply of(int code, JsonNode body) {
      return new Reply(HttpResponseStatus.valueOf(code), body);
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    Reply reply;
    String agent = req.headers().get(HttpHeaderNames.USER_AGENT, "");
    if (agent.startsWith("Mozilla/")) {
      reply = Reply.of(403, ControlApi.error(mapper, "User agent not allowed", 403));
    } else {
      try {
        reply = route(req.method(), new QueryStringDecoder(req.uri()).path(), req.content().toString(StandardCharsets.UTF_8));
      } catch (ApiError e) {
        reply = Reply.of(e.status, ControlApi.error(mapper, e.getMessage(), e.status));
      } catch (RuntimeException e) {
        LOG.warn("netem api: {} {} failed", req.method(), req.uri(), e);
        reply = Reply.of(500, ControlApi.error(mapper, String.valueOf(e.getMessage()), 500));
      }
    }
    send(ctx, req, reply);
  }

  private Reply route(HttpMethod method, String path, String body) {
    String[] parts = path.replaceAll("/+$", "").split("/");
    // parts[0] is "" (leading slash)
    if (parts.length == 2) {
      switch (parts[1]) {
        case "version":
          allow(method, HttpMethod.GET);
          return Reply.of(200, mapper.createObjectNode().put("version", VERSION));
        case "reset":
          allow(method, HttpMethod.POST);
          proxies.reset();
          return Reply.of(204, null);
        case "populate":
          allow(method, HttpMethod.POST);
          return populate(body);
        case "proxies":
          allow(method, HttpMethod.GET, HttpMethod.POST);
          return method.equals(HttpMethod.GET) ? proxyIndex() : proxyCreate(body);
        default:
          break;
      }
    }
    if (parts.length >= 3 && parts[1].equals("proxies")) {
      String name = parts[2];
      if (parts.length == 3) {
        allow(method, HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE);
        if (method.equals(HttpMethod.GET)) {
          return Reply.of(200, ControlApi.proxyJson(proxy(name), mapper));
        }
        if (method.equals(HttpMethod.DELETE)) {
          if (!proxies.remove(name)) {
            throw new ApiError("proxy not found", 404);
          }
          return Reply.of(204, null);
        }
        return proxyUpdate(proxy(name), body);
      }
      if (parts[3].equals("toxics") && parts.length == 4) {
        allow(method, HttpMethod.GET, HttpMethod.POST);
        NetemProxy p = proxy(name);
        if (method.equals(HttpMethod.GET)) {
          ArrayNode a = mapper.createArrayNode();
          p.toxics().forEach(t -> a.add(ToxicJson.write(t, mapper)));
          return Reply.of(200, a);
        }
        return toxicCreate(p, body);
      }
      if (parts[3].equals("toxics") && parts.length == 5) {
        allow(method, HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE);
        NetemProxy p = proxy(name);
        String toxicName = parts[4];
        ToxicSpec t = p.find(toxicName);
        if (t == null) {
          throw new ApiError("toxic not found", 404);
        }
        if (method.equals(HttpMethod.GET)) {
          return Reply.of(200, ToxicJson.write(t, mapper));
        }
        if (method.equals(HttpMethod.DELETE)) {
          p.removeToxic(toxicName);
          return Reply.of(204, null);
        }
        ToxicSpec updated;
        try {
          updated = ToxicJson.update(t, json(body), mapper);
        } catch (ToxicSettingException e) {
          throw new ApiError("bad request body: " + e.getMessage(), 400);
        }
        if (!p.updateToxic(updated)) {
          throw new ApiError("toxic not found", 404);
        }
        return Reply.of(200, ToxicJson.write(updated, mapper));
      }
    }
    throw new ApiError("404 page not found", 404);
  }

  private Reply proxyIndex() {
    ObjectNode all = mapper.createObjectNode();
    for (Map.Entry<String, NetemProxy> e : proxies.all().entrySet()) {
      all.set(e.getKey(), ControlApi.proxyJson(e.getValue(), mapper));
    }
    return Reply.of(200, all);
  }

  private Reply proxyCreate(String body) {
    JsonNode in = json(body);
    String name = in.path("name").asText("");
    if (name.isEmpty()) {
      throw new ApiError("missing required field: name", 400);
    }
    String upstream = in.path("upstream").asText("");
    if (upstream.isEmpty()) {
      throw new ApiError("missing required field: upstream", 400);
    }
    boolean enabled = !in.has("enabled") || in.get("enabled").asBoolean(true);
    NetemProxy p;
    try {
      p = proxies.create(name, listen(in.path("listen").asText("")), address(upstream, "upstream"), enabled);
    } catch (IllegalStateException e) {
      throw new ApiError(e.getMessage(), 500);
    }
    if (p == null) {
      throw new ApiError("proxy already exists", 409);
    }
    return Reply.of(201, ControlApi.proxyJson(p, mapper));
  }

  private Reply proxyUpdate(NetemProxy p, String body) {
    JsonNode in = json(body);
    InetSocketAddress listen = in.hasNonNull("listen") ? listen(in.get("listen").asText()) : p.listenAddress();
    InetSocketAddress upstream = in.hasNonNull("upstream") ? address(in.get("upstream").asText(), "upstream") : p.upstream();
    boolean enabled = in.hasNonNull("enabled") ? in.get("enabled").asBoolean() : p.isEnabled();
    try {
      p.update(listen, upstream, enabled);
    } catch (IllegalStateException e) {
      throw new ApiError(e.getMessage(), 500);
    }
    return Reply.of(200, ControlApi.proxyJson(p, mapper));
  }

  private Reply toxicCreate(NetemProxy p, String body) {
    ToxicSpec spec;
    try {
      spec = ToxicJson.read(json(body));
    } catch (ToxicSettingException e) {
      int status = 400;
      String message = e.field().equals("stream") ? "stream was invalid, can be either upstream or downstream"
          : e.field().equals("type") ? "invalid toxic type: " + e.problem() : "bad request body: " + e.getMessage();
      throw new ApiError(message, status);
    }
    if (!p.addToxic(spec)) {
      throw new ApiError("toxic already exists", 409);
    }
    return Reply.of(200, ToxicJson.write(spec, mapper));
  }

  private Reply populate(String body) {
    JsonNode in = json(body);
    if (!in.isArray()) {
      throw new ApiError("bad request body: expected an array of proxies", 400);
    }
    for (int i = 0; i < in.size(); i++) {
      if (in.get(i).path("name").asText("").isEmpty()) {
        throw new ApiError("missing required field: name at proxy " + (i + 1), 400);
      }
      if (in.get(i).path("upstream").asText("").isEmpty()) {
        throw new ApiError("missing required field: upstream at proxy " + (i + 1), 400);
      }
    }
    List<NetemProxy> made = new ArrayList<>();
    ObjectNode out = mapper.createObjectNode();
    ArrayNode list = out.putArray("proxies");
    try {
      for (JsonNode p : in) {
        boolean enabled = !p.has("enabled") || p.get("enabled").asBoolean(true);
        made.add(proxies.createOrReplace(p.get("name").asText(), listen(p.path("listen").asText("")),
            address(p.get("upstream").asText(), "upstream"), enabled));
      }
    } catch (ApiError | IllegalStateException e) {
      int status = e instanceof ApiError a ? a.status : 500;
      made.forEach(m -> list.add(ControlApi.proxyJson(m, mapper)));
      out.put("error", e.getMessage());
      out.put("status", status);
      return Reply.of(status, out);
    }
    made.forEach(m -> list.add(ControlApi.proxyJson(m, mapper)));
    return Reply.of(201, out);
  }

  private NetemProxy proxy(String name) {
    NetemProxy p = proxies.get(name);
    if (p == null) {
      throw new ApiError("proxy not found", 404);
    }
    return p;
  }

  private static InetSocketAddress listen(String text) {
    // toxiproxy listens on every interface for an empty listen; netem keeps to loopback unless told.
    return address(text.isEmpty() ? "127.0.0.1:0" : text, "listen");
  }

  private static InetSocketAddress address(String text, String field) {
    try {
      return HostPort.parse(text).resolve();
    } catch (IllegalArgumentException e) {
      throw new ApiError("bad request body: " + field + ": " + e.getMessage(), 400);
    }
  }

  private JsonNode json(String body) {
    try {
      JsonNode n = mapper.readTree(body.isEmpty() ? "{}" : body);
      return n == null ? mapper.createObjectNode() : n;
    } catch (JsonProcessingException e) {
      throw new ApiError("bad request body: " + e.getOriginalMessage(), 400);
    }
  }

  private static void allow(HttpMethod method, HttpMethod... allowed) {
    for (HttpMethod m : allowed) {
      if (m.equals(method)) {
        return;
      }
    }
    throw new ApiError("method not allowed", 405);
  }

  private void send(ChannelHandlerContext ctx, FullHttpRequest req, Reply reply) {
    byte[] bytes;
    try {
      bytes = reply.body() == null ? new byte[0] : mapper.writeValueAsBytes(reply.body());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a reply", e);
    }
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(), Unpooled.wrappedBuffer(bytes));
    if (reply.body() != null) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    }
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
    } else {
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("netem api: connection error: {}", cause.toString());
    ctx.close();
  }

  /** An API failure with toxiproxy's status code. */
  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiError(String message, int status) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
