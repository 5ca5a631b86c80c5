package dev.ferry.primary.stream;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication server on {@code --replication-port} (docs/protocol.md; docs/architecture.md,
 * "Replication server").
 *
 * <p>Threads: one acceptor, {@value #EVENT_LOOPS} event loops for the connections, and {@value
 * #STREAM_THREADS} stream-executor threads for log reads, snapshot reads and compression.
 *
 * <p>Each channel's outbound buffer has a water mark of {@value #LOW_WATER_BYTES} to {@value
 * #HIGH_WATER_BYTES} bytes: above the high mark the channel is not writable and its subscriptions
 * stop taking live changesets (see {@link Subscription}).
 *
 * <p>Thread-safe; {@link #shutdown} is idempotent.
 */
public final class ReplicationServer {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationServer.class);
    private static final int EVENT_LOOPS = 2;
    private static final int STREAM_THREADS = 2;
    static final int LOW_WATER_BYTES = 1 << 20;
    static final int HIGH_WATER_BYTES = 4 << 20;

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ExecutorService streamExecutor;
    private final ChannelGroup connections;
    private final Channel listener;
    private final ReplicaTracker tracker;
    private final ReplicationSettings settings;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private ReplicationServer(EventLoopGroup acceptor, EventLoopGroup workers, ExecutorService streamExecutor,
                              ChannelGroup connections, Channel listener, ReplicaTracker tracker,
                              ReplicationSettings settings) {
        this.acceptor = acceptor;
        this.workers = workers;
        this.streamExecutor = streamExecutor;
        this.connections = connections;
        this.listener = listener;
        this.tracker = tracker;
        this.settings = settings;
    }

    /**
     * Binds {@code address} (port 0 picks a free port; see {@link #address()}) and serves {@code
     * catalog}'s databases, registering as its listener. Meters go to {@code registry}.
     *
     * @throws IOException if the address cannot be bound
     */
    public static ReplicationServer start(InetSocketAddress address, Catalog catalog, ReplicationSettings settings,
                                          MeterRegistry registry) throws IOException, InterruptedException {
        EventLoopGroup acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("ferry-repl-accept"));
        EventLoopGroup workers = new NioEventLoopGroup(EVENT_LOOPS, new DefaultThreadFactory("ferry-repl"));
        ExecutorService streamExecutor = Executors.newFixedThreadPool(STREAM_THREADS,
                new DefaultThreadFactory("ferry-stream", true));
        ChannelGroup connections = new DefaultChannelGroup("ferry-replication", GlobalEventExecutor.INSTANCE);
        try {
            ReplicationMetrics metrics = new ReplicationMetrics(registry);
            DatabaseFeeds feeds = new DatabaseFeeds(metrics);
            ReplicaTracker tracker = new ReplicaTracker(Clock.systemUTC(), registry, feeds::published);
            StreamContext ctx = new StreamContext(catalog, streamExecutor, feeds, tracker, metrics, settings);
            ChannelFuture bound = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(LOW_WATER_BYTES, HIGH_WATER_BYTES))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ReplicationInitializer(ctx, new TokenCheck(settings.token()), connections))
                    .bind(address)
                    .await();
            if (!bound.isSuccess()) {
                throw new IOException("cannot listen for replication on " + address.getHostString() + ":"
                        + address.getPort() + ": " + bound.cause().getMessage(), bound.cause());
            }
            // Listeners only once bound: a failed start leaves nothing registered with the catalog.
            catalog.addListener(feeds);
            catalog.addListener(tracker);
            if (settings.token().isEmpty()) {
                LOG.warn("replication port has no --token: any agent that can connect may replicate every database");
            }
            return new ReplicationServer(acceptor, workers, streamExecutor, connections, bound.channel(), tracker,
                    settings);
        } catch (IOException | InterruptedException | RuntimeException e) {
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            streamExecutor.shutdownNow();
            throw e;
        }
    }

    /** The bound address, with the actual port when port 0 was asked for. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** What agents acknowledged, for the HTTP API. */
    public ReplicaTracker tracker() {
        return tracker;
    }

    /**
     * The most bytes any one connection has queued in its outbound buffer, not yet written to its
     * socket: the memory the server holds for an agent beyond one disk result. The bound is per
     * connection, so this is what tests check against it.
     */
    long maxPendingOutboundBytes() {
        long max = 0;
        for (Channel channel : connections) {
            ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
            if (buffer != null) {
                max = Math.max(max, buffer.totalPendingWriteBytes());
            }
        }
        return max;
    }

    /**
     * Graceful stop: no new connections; every agent gets ERROR SHUTTING_DOWN and its connection
     * closes (waiting up to the shutdown timeout for a slow agent to take the ERROR, then closing
     * anyway); open snapshots end; then the threads stop.
     */
    public void shutdown() throws InterruptedException {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        listener.close().sync();
        for (Channel channel : connections) {
            channel.writeAndFlush(new ErrorFrame(ErrorCode.SHUTTING_DOWN, "the primary is stopping; reconnect later"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        if (!connections.newCloseFuture().await(settings.shutdownTimeoutMs())) {
            LOG.warn("closing {} replication connections that did not take ERROR SHUTTING_DOWN within {} ms",
                    connections.size(), settings.shutdownTimeoutMs());
        }
        connections.close().await();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
        streamExecutor.shutdown();
        if (!streamExecutor.awaitTermination(settings.shutdownTimeoutMs(), TimeUnit.MILLISECONDS)) {
            LOG.warn("stream executor still busy after {} ms", settings.shutdownTimeoutMs());
        }
    }
}
