package dev.ferry.primary.http;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.ingest.IngestLimits;
import dev.ferry.primary.stream.ReplicaTracker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's HTTP API server (docs/http-api.md).
 *
 * <p>Threads: one acceptor, Netty's default number of event loops (parse, validate, write), and
 * {@value #ADMIN_THREADS} admin threads for catalog calls that may touch the disk. Admin work beyond
 * {@value #ADMIN_QUEUE} queued calls is refused with a 503 rather than queued without bound.
 *
 * <p>Shutdown ({@link #shutdown}) is graceful: stop accepting, answer new requests on open
 * connections with 503, wait (bounded) for requests in flight to be answered, then close every
 * connection. The catalog belongs to the caller, who closes it after this server.
 *
 * <p>Thread-safe.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final int ADMIN_THREADS = 2;
    private static final int ADMIN_QUEUE = 1024;
    private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ThreadPoolExecutor admin;
    private final ChannelGroup connections;
    private final InFlightRequests inFlight;
    private final Channel listener;

    private HttpServer(EventLoopGroup acceptor, EventLoopGroup workers, ThreadPoolExecutor admin, ChannelGroup connections,
            InFlightRequests inFlight, Channel listener) {
        this.acceptor = acceptor;
        this.workers = workers;
        this.admin = admin;
        this.connections = connections;
        this.inFlight = inFlight;
        this.listener = listener;
    }

    /**
     * Binds {@code address} (port 0 picks a free port; see {@link #address()}) and serves
     * {@code catalog}, refusing request bodies over {@code maxBodyBytes} with a 413.
     *
     * @throws IOException if the address cannot be bound (in use, not local, not permitted)
     */
    public static HttpServer start(InetSocketAddress address, int maxBodyBytes, Catalog catalog)
            throws IOException, InterruptedException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return start(address, maxBodyBytes, catalog, new ReplicaTracker(Clock.systemUTC(), registry, db -> 0), registry);
    }

    /**
     * As {@link #start(InetSocketAddress, int, Catalog)}, listing the replicas {@code replicas} knows
     * in the database endpoints and serving {@code registry} at {@code GET /metrics}.
     */
    public static HttpServer start(InetSocketAddress address, int maxBodyBytes, Catalog catalog,
                                   ReplicaTracker replicas, PrometheusMeterRegistry registry)
            throws IOException, InterruptedException {
        return start(address, maxBodyBytes, catalog, replicas, registry, IngestLimits.DEFAULTS);
    }

    /** As {@link #start(InetSocketAddress, int, Catalog, ReplicaTracker, PrometheusMeterRegistry)}, with the ingest limits. */
    public static HttpServer start(InetSocketAddress address, int maxBodyBytes, Catalog catalog,
                                   ReplicaTracker replicas, PrometheusMeterRegistry registry, IngestLimits ingestLimits)
            throws IOException, InterruptedException {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " must be at least 1");
        }
        EventLoopGroup acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("ferry-http-accept"));
        EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("ferry-http"));
        ThreadPoolExecutor admin = new ThreadPoolExecutor(ADMIN_THREADS, ADMIN_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(ADMIN_QUEUE), new DefaultThreadFactory("ferry-http-admin"));
        ChannelGroup connections = new DefaultChannelGroup("ferry-http", GlobalEventExecutor.INSTANCE);
        InFlightRequests inFlight = new InFlightRequests();
        try {
            ChannelFuture bound = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new HttpInitializer(new Api(catalog, admin, replicas, registry, ingestLimits), maxBodyBytes, inFlight, connections))
                    .bind(address)
                    .await();
            if (!bound.isSuccess()) {
                throw new IOException("cannot listen for HTTP on " + address.getHostString() + ":" + address.getPort() + ": "
                        + bound.cause().getMessage(), bound.cause());
            }
            return new HttpServer(acceptor, workers, admin, connections, inFlight, bound.channel());
        } catch (IOException | InterruptedException | RuntimeException e) {
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            admin.shutdownNow();
            throw e;
        }
    }

    /** The bound address, with the actual port when port 0 was asked for. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Requests received and not yet answered (for tests and shutdown). */
    int inFlightRequests() {
        return inFlight.count();
    }

    /**
     * Stops gracefully: no new connections, 503 for new requests, up to {@code timeout} for the
     * requests in flight to be answered, then every connection closed and every thread stopped.
     */
    public void shutdown(Duration timeout) throws InterruptedException {
        if (!inFlight.startDraining()) {
            return;
        }
        listener.close().sync();
        if (!inFlight.awaitNone(timeout)) {
            LOG.warn("closing HTTP connections with {} requests still in flight after {} ms", inFlight.count(), timeout.toMillis());
        }
        connections.close().await();
        admin.shutdown();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
        if (!admin.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("catalog administration calls still running after {} ms", timeout.toMillis());
        }
    }

    @Override
    public void close() throws InterruptedException {
        shutdown(DEFAULT_SHUTDOWN_TIMEOUT);
    }
}
