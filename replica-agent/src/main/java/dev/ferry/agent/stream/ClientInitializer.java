package dev.ferry.agent.stream;

import dev.ferry.protocol.codec.FrameDecoder;
import dev.ferry.protocol.codec.FrameEncoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The agent's pipeline, in order: idle watch (the handshake timeout until WELCOME, then the
 * heartbeat intervals), framing, then the client logic. Thread-safe: Netty calls it per channel.
 */
final class ClientInitializer extends ChannelInitializer<SocketChannel> {
    private static final FrameEncoder FRAME_ENCODER = new FrameEncoder();

    private final ClientSettings settings;
    private final Replicas replicas;
    private final Runnable welcomed;

    ClientInitializer(ClientSettings settings, Replicas replicas, Runnable welcomed) {
        this.settings = settings;
        this.replicas = replicas;
        this.welcomed = welcomed;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(ClientHandler.IDLE, new IdleStateHandler(settings.handshakeTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast(new FrameDecoder())
                .addLast(FRAME_ENCODER)
                .addLast(new ClientHandler(settings, replicas, welcomed));
    }
}
