package dev.ferry.protocol.frame;

import java.util.Optional;

/**
 * The codes an ERROR frame carries. Compatibility-breaking if changed: a code is never reused, and
 * a retired code keeps its constant, marked {@code @Deprecated}. A reader keeps a code it does not
 * know as a number ({@link ErrorFrame#code()}) and treats it like {@link #INTERNAL}.
 */
public enum ErrorCode {
    /** HELLO's version range does not meet the primary's. */
    UNSUPPORTED_VERSION(1),
    /** The token is wrong or missing. */
    UNAUTHORIZED(2),
    /** A frame failed its CRC, length or payload checks. */
    BAD_FRAME(3),
    /** A SUBSCRIBE or ACK named a database the primary does not have. */
    UNKNOWN_DATABASE(4),
    /** A valid frame arrived where the protocol does not allow it (SUBSCRIBE before HELLO, say). */
    PROTOCOL_VIOLATION(5),
    /** The sender failed for a reason of its own. */
    INTERNAL(6),
    /** The primary is stopping; reconnect later. */
    SHUTTING_DOWN(7);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The u16 code on the wire. */
    public int code() {
        return code;
    }

    /** The known code {@code code}, or empty. */
    public static Optional<ErrorCode> fromCode(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
