package dev.ferry.protocol.frame;

import dev.ferry.protocol.Limits;
import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * ERROR (3), either direction: why the sender is about to close the connection. The sender closes
 * after writing it; the receiver closes on reading it.
 *
 * <pre>
 * offset   size  field
 * 0        2     code ({@link ErrorCode})
 * 2        2+m   message (u16 length, UTF-8), for a person to read
 * </pre>
 *
 * <p>The code is kept as a number so that a code added by a newer peer still decodes.
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>{@code code} is 1 … 65535 (0 is reserved).</li>
 *   <li>{@code message} is at most {@value Limits#MAX_ERROR_MESSAGE_BYTES} UTF-8 bytes.</li>
 * </ol>
 */
public record ErrorFrame(int code, String message) implements Frame {

    public ErrorFrame {
        validate(code, message);
    }

    /** An ERROR with a known code. */
    public ErrorFrame(ErrorCode code, String message) {
        this(code.code(), message);
    }

    /**
     * An ERROR whose message is cut, at a character boundary, to fit {@value
     * Limits#MAX_ERROR_MESSAGE_BYTES} bytes: for messages taken from exceptions, whose length the
     * sender does not control.
     */
    public static ErrorFrame shortened(ErrorCode code, String message) {
        String text = message == null ? "" : message;
        int end = Math.min(text.length(), Limits.MAX_ERROR_MESSAGE_BYTES);
        while (Fields.utf8Bytes(text.substring(0, end)) > Limits.MAX_ERROR_MESSAGE_BYTES
                || end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return new ErrorFrame(code, text.substring(0, end));
    }

    private static void validate(int code, String message) {
        Fields.rule(code >= 1 && code <= 0xffff, 1, "code " + code + " is outside 1..65535");
        Fields.rule(Fields.fits(message, Limits.MAX_ERROR_MESSAGE_BYTES), 2,
                "message is missing or above " + Limits.MAX_ERROR_MESSAGE_BYTES + " bytes");
    }

    /** The code as a known {@link ErrorCode}, or empty when a newer peer sent one this build lacks. */
    public Optional<ErrorCode> errorCode() {
        return ErrorCode.fromCode(code);
    }

    @Override
    public FrameType type() {
        return FrameType.ERROR;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeShort(code);
        Fields.writeString(out, message);
    }

    static ErrorFrame decode(PayloadReader in) {
        int code = in.u16("code");
        String message = in.string("message", Limits.MAX_ERROR_MESSAGE_BYTES);
        in.end();
        return new ErrorFrame(code, message);
    }
}
