package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.primary.log.LogReader;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.frame.DatabasePosition;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every row of the resume table (docs/protocol.md, "Resume") against a log holding txids 4 … 10,
 * where the checksum after txid {@code n} is {@code 0x8000000000000000 | n}. Row 5 (the log no
 * longer reaches the agent) cannot happen with a real log until retention exists, so this is where
 * it is tested.
 */
class ResumeDecisionTest {
    private static final long LATEST = 10;

    @ParameterizedTest(name = "held {0}/{1} → row {2}, from {3}")
    @CsvSource({
            // txid, checksum (0: no position), row, fromTxid (0: snapshot)
            "0, 0, 1, 0",
            "11, 11, 2, 0",
            "10, 9, 3, 0",
            "10, 10, 4, 11",
            "2, 2, 5, 0",
            "6, 5, 6, 0",
            "6, 6, 7, 7",
            "3, 3, 7, 4",
    })
    void decide_heldPosition_rowOfTheTable(long txid, long checksum, int row, long from) throws IOException {
        DatabasePosition held = txid == 0 ? null : new DatabasePosition("orders", txid, sum(checksum));
        ResumeDecision decision = ResumeDecision.decide(held, LATEST, sum(LATEST), new Log());
        assertEquals(row, decision.row());
        assertEquals(from, decision.fromTxid());
    }

    private static long sum(long txid) {
        return 0x8000_0000_0000_0000L | txid;
    }

    /** Txids 4 … 10; changeset n goes from checksum n-1 to n. */
    private static final class Log implements LogReader {
        @Override
        public long firstTxid() {
            return 4;
        }

        @Override
        public long lastTxid() {
            return LATEST;
        }

        @Override
        public byte[] readEncoded(long txid) {
            throw new UnsupportedOperationException("the decision reads summaries only");
        }

        @Override
        public ChangesetCodec.Summary summary(long txid) {
            return new ChangesetCodec.Summary(txid, 0, 4096, 2, sum(txid - 1), sum(txid), 1);
        }
    }
}
