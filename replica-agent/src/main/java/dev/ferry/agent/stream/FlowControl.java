package dev.ferry.agent.stream;

import io.netty.channel.Channel;

/**
 * Backpressure toward the primary: counts the bytes queued for all apply threads and stops reading
 * from the socket ({@code autoRead} off) while they are above {@code highWaterBytes}, until they fall
 * to half of it. TCP flow control then stalls the primary's writes to this agent, and the primary
 * feeds it from its log once it reads again (docs/protocol.md, "Backpressure"), so a slow disk here
 * never grows the agent's heap beyond the high water mark plus what was already decoded from one
 * read (and one changeset being assembled).
 *
 * <p>Thread-safe: the event loop adds, apply threads remove. The count and the decision to switch
 * reading are taken under this object's lock, so an add and a remove racing each other can never
 * leave reading off with nothing queued (which would stall the connection for good); {@code
 * setAutoRead} itself only schedules the change on the event loop and never blocks.
 */
final class FlowControl {
    private final long highWaterBytes;
    private final long lowWaterBytes;
    private long queuedBytes;
    private boolean reading = true;
    private Channel channel;

    FlowControl(long highWaterBytes) {
        if (highWaterBytes < 1) {
            throw new IllegalArgumentException("highWaterBytes " + highWaterBytes + " is below 1");
        }
        this.highWaterBytes = highWaterBytes;
        this.lowWaterBytes = highWaterBytes / 2;
    }

    /** The connection whose reading is throttled from now on. */
    synchronized void attach(Channel channel) {
        this.channel = channel;
        reading = queuedBytes <= highWaterBytes;
        channel.config().setAutoRead(reading);
    }

    synchronized void queued(long bytes) {
        queuedBytes += bytes;
        update();
    }

    synchronized void taken(long bytes) {
        queuedBytes -= bytes;
        update();
    }

    private void update() {
        if (reading && queuedBytes > highWaterBytes) {
            reading = false;
        } else if (!reading && queuedBytes <= lowWaterBytes) {
            reading = true;
        } else {
            return;
        }
        if (channel != null) {
            channel.config().setAutoRead(reading);
        }
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }
}
