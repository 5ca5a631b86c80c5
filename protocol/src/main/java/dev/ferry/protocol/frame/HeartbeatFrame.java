package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * HEARTBEAT (12), either direction, every heartbeat interval (WELCOME) while the sender has sent
 * nothing else. A peer that has received nothing for three intervals closes the connection.
 *
 * <pre>
 * offset   size  field
 * 0        8     timestampMs: the sender's clock, ms since the Unix epoch (for lag; never compared
 *                across hosts for correctness)
 * </pre>
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code timestampMs} is 0 … 2^63 − 1.</li>
 * </ol>
 */
public record HeartbeatFrame(long timestampMs) implements Frame {

    public HeartbeatFrame {
        Fields.rule(timestampMs >= 0, 1, "timestampMs " + Long.toUnsignedString(timestampMs) + " is above 2^63-1");
    }

    @Override
    public FrameType type() {
        return FrameType.HEARTBEAT;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeLong(timestampMs);
    }

    static HeartbeatFrame decode(PayloadReader in) {
        long timestampMs = in.u64("timestampMs");
        in.end();
        return new HeartbeatFrame(timestampMs);
    }
}
