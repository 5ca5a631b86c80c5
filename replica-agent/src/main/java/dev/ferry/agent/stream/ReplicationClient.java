package dev.ferry.agent.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection to the primary open: connects, and after any failure (refused, ERROR, a
 * corrupt frame, silence past the heartbeat limit, a repair) connects again after a {@link Backoff}
 * delay, resuming every database from the positions its replicas hold. The delays start again from
 * the minimum once a connection has stayed up, past WELCOME, for the maximum delay.
 *
 * <p>Thread-safe: {@link #start} and {@link #stop} may be called from any thread; everything else
 * runs on the client's single event loop.
 */
public final class ReplicationClient {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationClient.class);

    private final ClientSettings settings;
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("ferry-agent-client"));
    private final Backoff backoff;
    private final Bootstrap bootstrap;
    private volatile boolean stopping;
    private volatile Channel channel;
    /** When the current connection got WELCOME; 0 before. Only the event loop touches it. */
    private long welcomedAtNanos;

    public ReplicationClient(ClientSettings settings, Replicas replicas) {
        this.settings = settings;
        this.backoff = new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs(), new Random());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.handshakeTimeoutMs()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ClientInitializer(settings, replicas, () -> welcomedAtNanos = System.nanoTime()));
    }

    /** Starts connecting; failures are logged and retried, never thrown. */
    public void start() {
        group.execute(this::connect);
    }

    private void connect() {
        if (stopping) {
            return;
        }
        ChannelFuture f = bootstrap.connect(settings.host(), settings.port());
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                retry("connect to " + settings.host() + ":" + settings.port() + " failed: " + done.cause().getMessage());
            }
        });
        f.channel().closeFuture().addListener(closed -> {
            if (f.isSuccess()) {
                retry("connection to the primary closed");
            }
        });
    }

    private void retry(String why) {
        if (stopping) {
            return;
        }
        // Only a connection that stayed up a while starts the delays again: one that is closed right
        // after WELCOME (a refused repair, a primary that fails each subscription) must not make the
        // agent reconnect in a tight loop.
        if (welcomedAtNanos != 0 && System.nanoTime() - welcomedAtNanos >= TimeUnit.MILLISECONDS.toNanos(settings.reconnectMaxMs())) {
            backoff.reset();
        }
        welcomedAtNanos = 0;
        long delay = backoff.nextDelayMs();
        LOG.info("{}; reconnecting in {} ms", why, delay);
        group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Closes the connection and stops reconnecting; waits up to {@code timeoutMs} for the event loop. */
    public void stop(long timeoutMs) throws InterruptedException {
        stopping = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close().await(timeoutMs);
        }
        group.shutdownGracefully(0, timeoutMs, TimeUnit.MILLISECONDS).await(timeoutMs);
    }
}
