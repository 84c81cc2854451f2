package dev.capkit.netem;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The upstream's side of a connection: hands reads and closes to the {@link NetemConnection}. */
final class BackendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(BackendHandler.class);
  private final NetemConnection connection;

  BackendHandler(NetemConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.channel().closeFuture().addListener(f -> connection.channelClosed());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.fromUpstream((ByteBuf) msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.upstreamClosed();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      connection.upstreamWritable();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("netem: upstream connection error: {}", cause.toString());
    ctx.close();
  }
}
