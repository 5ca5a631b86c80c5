package dev.ferry.primary.stream;

import dev.ferry.protocol.codec.FrameDecoder;
import dev.ferry.protocol.codec.FrameEncoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of an agent connection, as the codec's package-info shows: idle detection,
 * framing, then the session logic.
 *
 * <pre>
 * IdleStateHandler   reader idle 3 intervals (peer dead), writer idle 1 interval (send HEARTBEAT)
 * FrameDecoder       bytes to frames, one per channel
 * FrameEncoder       frames to bytes, shared
 * SessionHandler     handshake, SUBSCRIBE, ACK, errors
 * </pre>
 *
 * <p>Thread-safe (shared by every accepted channel).
 */
final class ReplicationInitializer extends ChannelInitializer<SocketChannel> {
    private static final FrameEncoder FRAME_ENCODER = new FrameEncoder();

    private final StreamContext ctx;
    private final TokenCheck tokens;
    private final ChannelGroup connections;

    ReplicationInitializer(StreamContext ctx, TokenCheck tokens, ChannelGroup connections) {
        this.ctx = ctx;
        this.tokens = tokens;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        long interval = ctx.settings().heartbeatIntervalMs();
        ch.pipeline()
                // observeOutput: a write still draining to a slow peer counts as writing.
                .addLast(new IdleStateHandler(true, 3 * interval, interval, 0, TimeUnit.MILLISECONDS))
                .addLast(new FrameDecoder())
                .addLast(FRAME_ENCODER)
                .addLast(new SessionHandler(ctx, tokens));
    }
}
