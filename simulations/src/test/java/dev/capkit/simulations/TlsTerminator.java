package dev.capkit.simulations;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;

/**
 * A loopback TLS front for a plain HTTP server (the emulator), as a load balancer terminates TLS:
 * decrypted bytes go to the upstream unchanged, both ways (Netty, as in its proxy example; the JDK's
 * blocking SSLSocket held streamed answers back when read and written from two threads).
 * Its certificate (for {@code localhost} and {@code 127.0.0.1}) is made by the JDK's keytool when
 * the test starts; {@link #caBundle()} is that certificate as PEM, the CA bundle trusting it.
 */
final class TlsTerminator implements AutoCloseable {
  private static final String PASSWORD = "capkit-test";

  private final EventLoopGroup group;
  private final Channel server;
  private final Path caBundle;
  final AtomicInteger connections = new AtomicInteger();

  private TlsTerminator(SslContext tls, InetSocketAddress upstream, Path caBundle) throws InterruptedException {
    this.caBundle = caBundle;
    this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel front) {
            connections.incrementAndGet();
            front.config().setAutoRead(false); // read from the client once the upstream connection is open
            front.pipeline().addLast(tls.newHandler(front.alloc()), new Relay(upstream));
          }
        }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
  }

  /** The client side: opens the upstream connection, then relays both ways. */
  private final class Relay extends ChannelInboundHandlerAdapter {
    private final InetSocketAddress upstream;
    private Channel back;

    Relay(InetSocketAddress upstream) {
      this.upstream = upstream;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel front = ctx.channel();
      new Bootstrap().group(front.eventLoop()).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext b, Object msg) {
              front.writeAndFlush(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext b) {
              front.close();
            }
          }).connect(upstream).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
              back = f.channel();
              front.config().setAutoRead(true);
              front.read();
            } else {
              front.close();
            }
          });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (back == null) {
        ReferenceCountUtil.release(msg);
        return;
      }
      back.writeAndFlush(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (back != null) {
        back.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // e.g. a client refusing the certificate
    }
  }

  static TlsTerminator start(Path dir, InetSocketAddress upstream) throws Exception {
    Path ks = dir.resolve("localhost.p12");
    Path pem = dir.resolve("localhost.pem");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(), "-storepass", PASSWORD, "-file", pem.toString());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, PASSWORD.toCharArray());
    return new TlsTerminator(SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build(), upstream, pem);
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  Path caBundle() {
    return caBundle;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
