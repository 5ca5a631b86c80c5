package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one frame payload in order, checking before each read that the bytes are
 * there and, for strings and lists, that the length is within its limit before anything is
 * allocated. Every failure is an {@link IllegalArgumentException} naming the field and the payload
 * offset; the codec adds the frame type.
 *
 * <p>Does not own the payload buffer. Not thread-safe; one reader per payload.
 */
final class PayloadReader {
    private final ByteBuf in;
    private final int start;

    PayloadReader(ByteBuf in) {
        this.in = in;
        this.start = in.readerIndex();
    }

    int u8(String field) {
        need(1, field);
        return in.readUnsignedByte();
    }

    int u16(String field) {
        need(2, field);
        return in.readUnsignedShort();
    }

    /** A u32 as a Java int: values of 2^31 and more come out negative, which validate() rejects. */
    int u32(String field) {
        need(4, field);
        return in.readInt();
    }

    /** A u32 as a long, for fields whose whole range is legal. */
    long u32Long(String field) {
        need(4, field);
        return in.readUnsignedInt();
    }

    /** A u64 as a Java long: values of 2^63 and more come out negative, which validate() rejects. */
    long u64(String field) {
        need(8, field);
        return in.readLong();
    }

    /** A u16 length and that many bytes of strict UTF-8; the length is checked before decoding. */
    String string(String field, int maxBytes) {
        int at = offset();
        int length = u16(field + " length");
        if (length > maxBytes) {
            throw fail(field + " is " + length + " bytes at payload offset " + at + ", above the maximum " + maxBytes);
        }
        need(length, field);
        ByteBuffer bytes = in.nioBuffer(in.readerIndex(), length);
        in.skipBytes(length);
        try {
            // Strict decoding: a replacement character would silently change a name or token.
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail(field + " at payload offset " + at + " is not valid UTF-8");
        }
    }

    /**
     * A u32 list count, checked against {@code max} and against the bytes left (each element takes at
     * least {@code minElementBytes}) before the caller allocates the list.
     */
    int count(String field, int max, int minElementBytes) {
        int at = offset();
        long count = u32Long(field + " count");
        if (count > max) {
            throw fail(field + " count " + count + " at payload offset " + at + " is above the maximum " + max);
        }
        if (count * minElementBytes > in.readableBytes()) {
            throw fail(field + " count " + count + " at payload offset " + at + " needs more than the "
                    + in.readableBytes() + " bytes left");
        }
        return (int) count;
    }

    /** The rest of the payload as a retained slice, which the caller owns. */
    ByteBuf rest() {
        return in.readRetainedSlice(in.readableBytes());
    }

    /** Checks that every payload byte was read: trailing bytes are an error, never ignored. */
    void end() {
        if (in.isReadable()) {
            throw fail(in.readableBytes() + " trailing bytes after the last field at payload offset " + offset());
        }
    }

    private void need(int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw fail("payload ends inside " + field + " at payload offset " + offset() + ": " + bytes
                    + " bytes needed, " + in.readableBytes() + " left");
        }
    }

    private int offset() {
        return in.readerIndex() - start;
    }

    private IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(message);
    }
}
