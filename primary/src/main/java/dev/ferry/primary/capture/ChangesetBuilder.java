package dev.ferry.primary.capture;

import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.checksum.PageChecksums;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns WAL transactions into changesets, numbering them and advancing the database's page
 * checksums. Not thread-safe: used by the writer thread (or by recovery before it starts).
 */
public final class ChangesetBuilder {
    private final PageChecksums checksums;
    private long lastTxid;

    /** {@code checksums} describe the database at {@code lastTxid}; both advance with each build. */
    public ChangesetBuilder(PageChecksums checksums, long lastTxid) {
        this.checksums = checksums;
        this.lastTxid = lastTxid;
    }

    public CapturedTransaction build(WalTransaction tx, long timestampMs) {
        long pre = checksums.databaseChecksum();
        checksums.resize(tx.commitPages());
        List<Changeset.Page> pages = new ArrayList<>(tx.pages().size());
        for (Map.Entry<Integer, byte[]> e : tx.pages().entrySet()) {
            checksums.setPage(e.getKey(), e.getValue());
            pages.add(new Changeset.Page(e.getKey(), e.getValue()));
        }
        Changeset cs = new Changeset(lastTxid + 1, timestampMs, checksums.pageSize(), tx.commitPages(), pre,
                checksums.databaseChecksum(), pages);
        lastTxid = cs.txid();
        return new CapturedTransaction(cs, ChangesetCodec.encode(cs), tx.position());
    }

    public long lastTxid() {
        return lastTxid;
    }

    public PageChecksums checksums() {
        return checksums;
    }
}
