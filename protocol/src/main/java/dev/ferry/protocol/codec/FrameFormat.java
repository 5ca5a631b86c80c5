package dev.ferry.protocol.codec;

import dev.ferry.protocol.Limits;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame layout, shared by {@link FrameDecoder} and {@link FrameEncoder}. Compatibility-breaking
 * if changed.
 *
 * <pre>
 * offset      size  field
 * 0           4     length: bytes after this field, 1 + payload + 4
 * 4           1     type (FrameType code)
 * 5           p     payload
 * 5+p         4     CRC-32C of type and payload (bytes 4 .. 4+p)
 * </pre>
 *
 * <p>The CRC covers the type and the payload and leaves out the length field: a damaged length
 * either runs into the next frame (and the CRC, computed over the wrong bytes, fails) or breaks the
 * length bounds, which are checked first, before anything is buffered.
 */
final class FrameFormat {
    static final int LENGTH_OFFSET = 0;
    static final int LENGTH_SIZE = 4;
    static final int TYPE_OFFSET = LENGTH_OFFSET + LENGTH_SIZE;
    static final int TYPE_SIZE = 1;
    static final int PAYLOAD_OFFSET = TYPE_OFFSET + TYPE_SIZE;
    static final int CRC_SIZE = 4;
    /** The smallest length field: a frame with an empty payload. */
    static final int MIN_LENGTH = TYPE_SIZE + CRC_SIZE;
    /** The largest length field: a payload of {@link Limits#MAX_FRAME_BYTES}. */
    static final int MAX_LENGTH = TYPE_SIZE + Limits.MAX_FRAME_BYTES + CRC_SIZE;

    private FrameFormat() {}

    /** Adds {@code length} bytes of {@code buf} at {@code index} to {@code crc}; reads no indexes, owns nothing. */
    static void update(CRC32C crc, ByteBuf buf, int index, int length) {
        for (ByteBuffer nio : buf.nioBuffers(index, length)) {
            crc.update(nio);
        }
    }
}
