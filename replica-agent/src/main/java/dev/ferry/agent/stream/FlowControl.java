package dev.ferry.agent.stream;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backpressure toward the primary: counts the bytes queued for all apply threads and stops reading
 * from the socket ({@code autoRead} off) while they are above {@code highWaterBytes}, until they fall
 * to half of it. TCP flow control then stalls the primary's writes to this agent, and the primary
 * feeds it from its log once it reads again (docs/protocol.md, "Backpressure"), so a slow disk here
 * never grows the agent's heap beyond the high water mark plus what was already decoded from one
 * read (and one changeset being assembled).
 *
 * <p>Thread-safe: the event loop adds, apply threads remove; {@code setAutoRead} may be called from
 * any thread.
 */
final class FlowControl {
    private final long highWaterBytes;
    private final long lowWaterBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile Channel channel;

    FlowControl(long highWaterBytes) {
        if (highWaterBytes < 1) {
            throw new IllegalArgumentException("highWaterBytes " + highWaterBytes + " is below 1");
        }
        this.highWaterBytes = highWaterBytes;
        this.lowWaterBytes = highWaterBytes / 2;
    }

    /** The connection whose reading is throttled from now on. */
    void attach(Channel channel) {
        this.channel = channel;
        channel.config().setAutoRead(queuedBytes.get() <= highWaterBytes);
    }

    void queued(long bytes) {
        if (queuedBytes.addAndGet(bytes) > highWaterBytes) {
            Channel ch = channel;
            if (ch != null && ch.config().isAutoRead()) {
                ch.config().setAutoRead(false);
            }
        }
    }

    void taken(long bytes) {
        if (bytes != 0 && queuedBytes.addAndGet(-bytes) <= lowWaterBytes) {
            Channel ch = channel;
            if (ch != null && !ch.config().isAutoRead()) {
                ch.config().setAutoRead(true);
            }
        }
    }

    long queuedBytes() {
        return queuedBytes.get();
    }
}
