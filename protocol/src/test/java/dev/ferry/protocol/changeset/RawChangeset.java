package dev.ferry.protocol.changeset;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Lays out changeset bytes field by field from the table in docs/protocol.md, independently of
 * {@link ChangesetCodec#encode}, so that tests can set any field to any value (also invalid ones)
 * while the record length and CRC-32C still match — or override those too.
 */
final class RawChangeset {
    int magic = ChangesetCodec.MAGIC;
    int version = 1;
    int compression = 0;
    int reserved = 0;
    long txid = 1;
    long timestampMs = 1_700_000_000_000L;
    int pageSize = 512;
    int commitPages = 1;
    long pre = TestChangesets.PRE;
    long post = TestChangesets.POST;
    int[] pgnos = {};
    byte[] payload = {};
    /** Overrides the page count field n (default: {@code pgnos.length}). */
    Integer pageCountField;
    /** Overrides the payload length field m (default: {@code payload.length}). */
    Integer payloadLengthField;
    /** Overrides the record length field (default: the real length). */
    Integer lengthField;

    RawChangeset pages(int pageSize, int... pgnos) {
        this.pageSize = pageSize;
        this.pgnos = pgnos;
        this.payload = new byte[pageSize * pgnos.length];
        for (int i = 0; i < pgnos.length; i++) {
            System.arraycopy(TestChangesets.repetitivePage(pgnos[i], pageSize), 0, payload, i * pageSize, pageSize);
        }
        this.commitPages = pgnos.length == 0 ? 1 : pgnos[pgnos.length - 1];
        return this;
    }

    byte[] bytes() {
        int length = 64 + 4 * pgnos.length + payload.length;
        ByteBuffer buf = ByteBuffer.allocate(length);
        buf.putInt(magic).put((byte) version).put((byte) compression).putShort((short) reserved);
        buf.putInt(lengthField != null ? lengthField : length);
        buf.putLong(txid).putLong(timestampMs).putInt(pageSize).putInt(commitPages).putLong(pre).putLong(post);
        buf.putInt(pageCountField != null ? pageCountField : pgnos.length);
        for (int pgno : pgnos) {
            buf.putInt(pgno);
        }
        buf.putInt(payloadLengthField != null ? payloadLengthField : payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, length - 4);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }
}
