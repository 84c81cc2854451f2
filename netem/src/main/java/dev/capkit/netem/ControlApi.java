package dev.capkit.netem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * toxiproxy's HTTP control API, served by netem: same routes, JSON shapes and status codes, so
 * toxiproxy clients (toxiproxy-cli, toxiproxy-java, Testcontainers) work unchanged. Routes are in
 * {@link ControlApiHandler}. Binds where it is told; {@link #DEFAULT_ADDRESS} is loopback.
 *
 * <pre>{@code
 * ControlApi api = ControlApi.start(proxies, new InetSocketAddress("127.0.0.1", 8474));
 * }</pre>
 */
final class ControlApi implements AutoCloseable {
  static final String DEFAULT_ADDRESS = "127.0.0.1:8474";

  private final EventLoopGroup group;
  private final Channel server;

  private ControlApi(EventLoopGroup group, Channel server) {
    this.group = group;
    this.server = server;
  }

  static ControlApi start(ProxyCollection proxies, InetSocketAddress address) {
    // Its own thread: handlers bind and unbind proxies synchronously, which must not run on a proxy loop.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("netem-api", true), NioIoHandler.newFactory());
    ObjectMapper mapper = new ObjectMapper();
    try {
      Channel ch = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new ControlApiHandler(proxies, mapper));
            }
          })
          .bind(address).sync().channel();
      return new ControlApi(group, ch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("interrupted while binding the control API on " + address, e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot bind the control API on " + NetemProxy.hostPort(address) + ": " + e.getMessage(), e);
    }
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  static ObjectNode proxyJson(NetemProxy p, ObjectMapper mapper) {
    ObjectNode n = mapper.createObjectNode();
    n.put("name", p.name());
    n.put("listen", NetemProxy.hostPort(p.listenAddress()));
    n.put("upstream", NetemProxy.hostPort(p.upstream()));
    n.put("enabled", p.isEnabled());
    ArrayNode toxics = n.putArray("toxics");
    for (ToxicSpec t : p.toxics()) {
      toxics.add(ToxicJson.write(t, mapper));
    }
    return n;
  }

  static JsonNode error(ObjectMapper mapper, String message, int status) {
    ObjectNode n = mapper.createObjectNode();
    n.put("error", message);
    n.put("status", status);
    return n;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
