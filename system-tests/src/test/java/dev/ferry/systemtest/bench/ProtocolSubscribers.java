package dev.ferry.systemtest.bench;

import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.codec.FrameDecoder;
import dev.ferry.protocol.codec.FrameEncoder;
import dev.ferry.protocol.frame.ChangesetFrame;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.WelcomeFrame;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Light subscribers for the fan-out benchmark: protocol clients on one event loop in the benchmark
 * JVM that say HELLO, SUBSCRIBE to one database without a position (so they get a snapshot, then
 * live changesets), send heartbeats, count CHANGESET frames and drop everything. They apply
 * nothing and never ACK, so they cost the machine almost nothing and the primary's side of fan-out
 * is measured alone.
 */
final class ProtocolSubscribers implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final List<Channel> channels = new ArrayList<>();
    private final AtomicLong changesetFrames = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    ProtocolSubscribers(String host, int port, String token, String db, int count) throws InterruptedException {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new Handler(token, db));
                    }
                });
        for (int i = 0; i < count; i++) {
            channels.add(bootstrap.connect(host, port).sync().channel());
        }
    }

    long changesetFrames() {
        return changesetFrames.get();
    }

    long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        channels.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<Frame> {
        private final String token;
        private final String db;

        Handler(String token, String db) {
            this.token = token;
            this.db = db;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new HelloFrame(ProtocolVersion.MIN_SUPPORTED, ProtocolVersion.CURRENT,
                    "bench-subscriber-" + ctx.channel().localAddress(), token));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            if (frame instanceof WelcomeFrame welcome) {
                ctx.writeAndFlush(new SubscribeFrame(List.of(db), List.of()));
                long interval = welcome.heartbeatIntervalMs();
                ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(new HeartbeatFrame(System.currentTimeMillis())),
                        interval, interval, TimeUnit.MILLISECONDS);
            } else if (frame instanceof ChangesetFrame) {
                changesetFrames.incrementAndGet();
            } else if (frame instanceof ErrorFrame error) {
                errors.incrementAndGet();
                System.err.println("subscriber got " + error);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            System.err.println("subscriber failed: " + cause);
            ctx.close();
        }
    }
}
