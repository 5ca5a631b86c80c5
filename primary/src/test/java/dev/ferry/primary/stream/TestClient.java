package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.codec.FrameDecoder;
import dev.ferry.protocol.codec.FrameEncoder;
import dev.ferry.protocol.frame.ChangesetFrame;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.WelcomeFrame;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal agent for tests: a real Netty client with the protocol codec that queues every frame
 * it receives. Bulk frames in the queue hold their data; whoever takes one releases it, and {@link
 * #close} releases what is left. Not thread-safe: one test thread drives it.
 */
final class TestClient implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 30;

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Channel channel;

    private TestClient(InetSocketAddress server) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.SO_RCVBUF, 64 << 10)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.add(msg);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                received.add(Closed.INSTANCE);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                received.add(cause);
                                ctx.close();
                            }
                        });
                    }
                }).connect(server).sync().channel();
    }

    /** The marker queued when the server closes the connection. */
    enum Closed { INSTANCE }

    static TestClient connect(InetSocketAddress server) throws InterruptedException {
        return new TestClient(server);
    }

    /**
     * Connects, says HELLO with {@code token} speaking versions 1 … {@code maxVersion}, and expects
     * WELCOME at {@code maxVersion}.
     */
    static TestClient welcomed(InetSocketAddress server, String agentId, String token, int maxVersion)
            throws InterruptedException {
        TestClient client = connect(server);
        client.send(new HelloFrame(ProtocolVersion.MIN_SUPPORTED, maxVersion, agentId, token));
        assertEquals(maxVersion, client.next(WelcomeFrame.class).version());
        return client;
    }

    Channel channel() {
        return channel;
    }

    void send(Frame frame) throws InterruptedException {
        channel.writeAndFlush(frame).sync();
    }

    void subscribe(List<String> patterns, List<DatabasePosition> positions) throws InterruptedException {
        send(new SubscribeFrame(patterns, positions));
    }

    /** The next thing received: a frame (the caller releases a bulk one), an exception or {@link Closed}. */
    Object next() throws InterruptedException {
        Object next = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(next, "nothing received within " + TIMEOUT_SECONDS + " s");
        return next;
    }

    /** The next frame, which must be a {@code type}. */
    <T> T next(Class<T> type) throws InterruptedException {
        Object next = next();
        if (!type.isInstance(next)) {
            ReferenceCountUtil.release(next);
        }
        return assertInstanceOf(type, next, "expected a " + type.getSimpleName());
    }

    /** Joins the CHANGESET pieces of the next changeset of {@code db}, releasing them. */
    byte[] nextChangeset(String db) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            ChangesetFrame piece = next(ChangesetFrame.class);
            try {
                assertEquals(db, piece.db());
                assertEquals(out.size() == 0, piece.isFirst());
                ByteBuf data = piece.data();
                out.writeBytes(ByteBufUtil.getBytes(data));
                if (piece.isLast()) {
                    assertEquals(piece.totalLength(), out.size());
                    return out.toByteArray();
                }
            } finally {
                piece.release();
            }
        }
    }

    /** Waits until the server closes the connection, skipping (and releasing) anything before. */
    void awaitClosed() throws InterruptedException {
        while (true) {
            Object next = next();
            ReferenceCountUtil.release(next);
            if (next == Closed.INSTANCE) {
                return;
            }
        }
    }

    boolean nothingPending() {
        return received.isEmpty();
    }

    void autoRead(boolean on) {
        channel.config().setAutoRead(on);
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        Object left;
        while ((left = received.poll()) != null) {
            ReferenceCountUtil.release(left);
        }
        assertTrue(received.isEmpty());
    }
}
