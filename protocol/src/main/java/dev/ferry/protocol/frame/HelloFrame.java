package dev.ferry.protocol.frame;

import dev.ferry.protocol.Limits;
import io.netty.buffer.ByteBuf;

/**
 * HELLO (1), agent to primary, the first frame of a connection: the protocol versions the agent
 * speaks, who it is and its token. The primary answers WELCOME or ERROR, then closes on ERROR.
 *
 * <pre>
 * offset   size  field
 * 0        2     minVersion
 * 2        2     maxVersion
 * 4        2+a   agentId (u16 length, UTF-8)
 * 6+a      2+t   token (u16 length, UTF-8)
 * </pre>
 *
 * <p>A range this build does not speak is a valid HELLO: the primary must be able to read it to
 * answer ERROR {@code UNSUPPORTED_VERSION} ({@link dev.ferry.protocol.ProtocolVersion#negotiate}).
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code minVersion} is at least 1 (version 0 never existed).</li>
 *   <li>{@code minVersion} is at most {@code maxVersion}, which is at most 65535.</li>
 *   <li>{@code agentId} is 1 … {@value Limits#MAX_PEER_ID_BYTES} UTF-8 bytes.</li>
 *   <li>{@code token} is at most {@value Limits#MAX_TOKEN_BYTES} UTF-8 bytes (empty when the primary
 *       needs none).</li>
 * </ol>
 */
public record HelloFrame(int minVersion, int maxVersion, String agentId, String token) implements Frame {

    public HelloFrame {
        validate(minVersion, maxVersion, agentId, token);
    }

    private static void validate(int minVersion, int maxVersion, String agentId, String token) {
        Fields.rule(minVersion >= 1, 1, "minVersion " + minVersion + " is below 1");
        Fields.rule(minVersion <= maxVersion && maxVersion <= 0xffff, 2,
                "version range " + minVersion + ".." + maxVersion + " is empty or above 65535");
        Fields.rule(agentId != null && !agentId.isEmpty() && Fields.fits(agentId, Limits.MAX_PEER_ID_BYTES), 3,
                "agentId is empty or above " + Limits.MAX_PEER_ID_BYTES + " bytes");
        Fields.rule(Fields.fits(token, Limits.MAX_TOKEN_BYTES), 4,
                "token is missing or above " + Limits.MAX_TOKEN_BYTES + " bytes");
    }

    @Override
    public FrameType type() {
        return FrameType.HELLO;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeShort(minVersion);
        out.writeShort(maxVersion);
        Fields.writeString(out, agentId);
        Fields.writeString(out, token);
    }

    static HelloFrame decode(PayloadReader in) {
        int minVersion = in.u16("minVersion");
        int maxVersion = in.u16("maxVersion");
        String agentId = in.string("agentId", Limits.MAX_PEER_ID_BYTES);
        String token = in.string("token", Limits.MAX_TOKEN_BYTES);
        in.end();
        return new HelloFrame(minVersion, maxVersion, agentId, token);
    }

    /** Leaves the token out, so that logging a frame never leaks it. */
    @Override
    public String toString() {
        return "HelloFrame[minVersion=" + minVersion + ", maxVersion=" + maxVersion + ", agentId=" + agentId
                + ", token=(" + Fields.utf8Bytes(token) + " bytes)]";
    }
}
