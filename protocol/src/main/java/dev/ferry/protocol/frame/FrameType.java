package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * The message types and their numeric codes on the wire.
 *
 * <p>Compatibility-breaking if changed: a code is never reused. A retired type keeps its constant,
 * marked {@code @Deprecated}, so that no later type can take its number and an old peer never
 * misreads a new message. Code 0 is reserved and never sent.
 */
public enum FrameType {
    HELLO(1),
    WELCOME(2),
    ERROR(3),
    SUBSCRIBE(4),
    DATABASE_ADDED(5),
    DATABASE_REMOVED(6),
    SNAPSHOT_BEGIN(7),
    SNAPSHOT_CHUNK(8),
    SNAPSHOT_END(9),
    CHANGESET(10),
    ACK(11),
    HEARTBEAT(12),
    // 13 is never assigned: the shipped unknown-type test vector uses it as the unknown code.
    SUBSCRIBED(14);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** The u8 code on the wire. */
    public int code() {
        return code;
    }

    /** The type with wire code {@code code} (0 … 255), or empty when this build does not know it. */
    public static Optional<FrameType> fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    /**
     * Decodes a payload of this type: every readable byte of {@code payload}, nothing more.
     *
     * <p>Does not take ownership of {@code payload} and does not release it. A frame that carries bulk
     * data ({@link BulkFrame}) holds a retained slice of it, which the caller releases with the frame.
     *
     * @throws IllegalArgumentException when the payload is malformed or the message breaks a rule of
     *     its {@code validate()}; the message names the field
     */
    public Frame decodePayload(ByteBuf payload) {
        PayloadReader in = new PayloadReader(payload);
        return switch (this) {
            case HELLO -> HelloFrame.decode(in);
            case WELCOME -> WelcomeFrame.decode(in);
            case ERROR -> ErrorFrame.decode(in);
            case SUBSCRIBE -> SubscribeFrame.decode(in);
            case DATABASE_ADDED -> DatabaseAddedFrame.decode(in);
            case DATABASE_REMOVED -> DatabaseRemovedFrame.decode(in);
            case SNAPSHOT_BEGIN -> SnapshotBeginFrame.decode(in);
            case SNAPSHOT_CHUNK -> SnapshotChunkFrame.decode(in);
            case SNAPSHOT_END -> SnapshotEndFrame.decode(in);
            case CHANGESET -> ChangesetFrame.decode(in);
            case ACK -> AckFrame.decode(in);
            case HEARTBEAT -> HeartbeatFrame.decode(in);
            case SUBSCRIBED -> SubscribedFrame.decode(in);
        };
    }
}
