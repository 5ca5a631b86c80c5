package dev.ferry.primary.log;

import dev.ferry.primary.capture.WalPosition;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing of one record in a log segment: a 20-byte header, then one encoded changeset
 * (self-delimiting, with its own CRC-32C; see docs/protocol.md).
 *
 * <pre>
 * offset size field
 * 0      4    magic "FLGR"
 * 4      4    WAL salt-1 of the transaction's commit frame (0 for a transaction not from the WAL)
 * 8      4    WAL salt-2
 * 12     4    commit frame number in the WAL (0 = not from the WAL)
 * 16     4    CRC-32C of bytes 0..15
 * 20     ...  the changeset
 * </pre>
 *
 * <p>The WAL position is local bookkeeping for crash recovery (which WAL transactions the log
 * already holds); it never leaves the primary. Compatibility-breaking if changed.
 */
final class RecordFormat {
    static final int MAGIC = 0x464c4752;
    static final int HEADER_SIZE = 20;

    private RecordFormat() {}

    static byte[] header(WalPosition position) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE);
        buf.putInt(MAGIC).putInt(position.salt1()).putInt(position.salt2()).putInt((int) position.commitFrame());
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, 16);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    /** The WAL position in a header, or null if the header is not valid. */
    static WalPosition parse(byte[] header) {
        ByteBuffer buf = ByteBuffer.wrap(header);
        if (buf.getInt() != MAGIC) {
            return null;
        }
        int salt1 = buf.getInt();
        int salt2 = buf.getInt();
        long frame = Integer.toUnsignedLong(buf.getInt());
        CRC32C crc = new CRC32C();
        crc.update(header, 0, 16);
        if (buf.getInt() != (int) crc.getValue()) {
            return null;
        }
        return frame == 0 ? WalPosition.NONE : new WalPosition(salt1, salt2, frame);
    }
}
