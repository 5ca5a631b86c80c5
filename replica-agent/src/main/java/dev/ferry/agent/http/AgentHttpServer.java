package dev.ferry.agent.http;

import dev.ferry.agent.stream.Replicas;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The agent's local HTTP server (Netty, one event loop). Thread-safe: start once, close once.
 */
public final class AgentHttpServer {
    /** Largest request body accepted (a forwarded write); larger ones get 413 from the aggregator. */
    private static final int MAX_BODY_BYTES = 16 << 20;

    private final EventLoopGroup group;
    private final Channel channel;

    private AgentHttpServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code address}; fails with the address in the message if it is taken. */
    public static AgentHttpServer start(InetSocketAddress address, Replicas replicas, URI primaryHttp,
            PrometheusMeterRegistry registry) throws IOException, InterruptedException {
        AgentApiHandler handler = new AgentApiHandler(replicas,
                new WriteForwarder(primaryHttp, Duration.ofMillis(AgentApiHandler.DEFAULT_TIMEOUT_MS)), registry);
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("ferry-agent-http"));
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new HttpServerCodec(), new BodyLimitAggregator(MAX_BODY_BYTES),
                                    new OneRequestAtATime(), handler);
                        }
                    }).bind(address).sync().channel();
            return new AgentHttpServer(group, ch);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("bind the agent's HTTP API to " + address + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
