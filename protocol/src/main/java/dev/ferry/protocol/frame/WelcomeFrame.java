package dev.ferry.protocol.frame;

import dev.ferry.protocol.Limits;
import dev.ferry.protocol.ProtocolVersion;
import io.netty.buffer.ByteBuf;

/**
 * WELCOME (2), primary to agent, the answer to an accepted HELLO: the version chosen for this
 * connection, the primary's id and the heartbeat interval both sides use from now on.
 *
 * <pre>
 * offset   size  field
 * 0        2     version
 * 2        2+p   primaryId (u16 length, UTF-8)
 * 4+p      4     heartbeatIntervalMs
 * </pre>
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code version} is one this build speaks ({@link ProtocolVersion#isSupported}): a primary
 *       never picks a version outside the agent's range.</li>
 *   <li>{@code primaryId} is 1 … {@value Limits#MAX_PEER_ID_BYTES} UTF-8 bytes.</li>
 *   <li>{@code heartbeatIntervalMs} is 1 … 2^32 − 1.</li>
 * </ol>
 */
public record WelcomeFrame(int version, String primaryId, long heartbeatIntervalMs) implements Frame {

    public WelcomeFrame {
        validate(version, primaryId, heartbeatIntervalMs);
    }

    private static void validate(int version, String primaryId, long heartbeatIntervalMs) {
        Fields.rule(ProtocolVersion.isSupported(version), 1, "version " + version + " is outside "
                + ProtocolVersion.MIN_SUPPORTED + ".." + ProtocolVersion.CURRENT);
        Fields.rule(primaryId != null && !primaryId.isEmpty() && Fields.fits(primaryId, Limits.MAX_PEER_ID_BYTES), 2,
                "primaryId is empty or above " + Limits.MAX_PEER_ID_BYTES + " bytes");
        Fields.rule(heartbeatIntervalMs >= 1 && heartbeatIntervalMs <= 0xffff_ffffL, 3,
                "heartbeatIntervalMs " + heartbeatIntervalMs + " is outside 1..4294967295");
    }

    @Override
    public FrameType type() {
        return FrameType.WELCOME;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeShort(version);
        Fields.writeString(out, primaryId);
        out.writeInt((int) heartbeatIntervalMs);
    }

    static WelcomeFrame decode(PayloadReader in) {
        int version = in.u16("version");
        String primaryId = in.string("primaryId", Limits.MAX_PEER_ID_BYTES);
        long heartbeatIntervalMs = in.u32Long("heartbeatIntervalMs");
        in.end();
        return new WelcomeFrame(version, primaryId, heartbeatIntervalMs);
    }
}
