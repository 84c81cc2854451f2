package dev.capkit.netem;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client's side of a connection: hands reads and closes to the {@link NetemConnection}. */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
  private final NetemProxy proxy;
  private NetemConnection connection;

  FrontendHandler(NetemProxy proxy) {
    this.proxy = proxy;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connection = proxy.register(ctx.channel());
    if (connection != null) {
      ctx.channel().closeFuture().addListener(f -> connection.channelClosed());
      connection.start();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.fromClient((ByteBuf) msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connection != null) {
      connection.clientClosed();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (connection != null && ctx.channel().isWritable()) {
      connection.clientWritable();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A client going away (reset, broken pipe) is ordinary for a proxy: log quietly and close.
    LOG.debug("netem {}: client connection error: {}", proxy.name(), cause.toString());
    ctx.close();
  }
}
