package dev.ferry.agent.stream;

import dev.ferry.protocol.codec.FrameDecoder;
import dev.ferry.protocol.codec.FrameEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted primary for client tests: it accepts connections and queues what happens on them
 * ({@link Event}); the test answers through {@link Event#channel()}. Bulk frames are released on
 * arrival (a primary receives none). Thread-safe: events are queued from the event loop.
 */
final class FakePrimary implements AutoCloseable {
    record Event(String kind, Object frame, Channel channel) {}

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Channel listener;

    FakePrimary() throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                events.add(new Event("connected", null, ctx.channel()));
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                events.add(new Event("frame", msg, ctx.channel()));
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                events.add(new Event("closed", null, ctx.channel()));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                events.add(new Event("exception", cause, ctx.channel()));
                                ctx.close();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The next event, failing the test if none comes within {@code seconds}. */
    Event next(long seconds) throws InterruptedException {
        Event e = events.poll(seconds, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event from the agent within " + seconds + " s");
        }
        return e;
    }

    /** Skips events until one of {@code kind} whose frame (if any) is an instance of {@code type}. */
    Event await(String kind, Class<?> type, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + kind + " " + (type == null ? "" : type.getSimpleName())
                        + " from the agent within " + seconds + " s");
            }
            if (e.kind().equals(kind) && (type == null || type.isInstance(e.frame()))) {
                return e;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        listener.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
