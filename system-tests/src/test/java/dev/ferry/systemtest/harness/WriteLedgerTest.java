package dev.ferry.systemtest.harness;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.systemtest.harness.RequestOutcome.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crash test is only as good as its checks: each violation it is meant to catch, built from
 * rows as the database would return them, must fail the check.
 */
class WriteLedgerTest {
    private final WriteLedger ledger = new WriteLedger();

    @Test
    void checkRecovered_everyAcknowledgedPairPresent_passes() {
        ledger.record(acked(1, 5, 0, 10));
        ledger.record(acked(2, 6, 20, 30));
        assertDoesNotThrow(() -> ledger.checkRecovered("test", rows(1, 2)));
    }

    @Test
    void checkRecovered_acknowledgedRequestMissing_fails() {
        ledger.record(acked(1, 5, 0, 10));
        ledger.record(acked(2, 6, 20, 30));
        AssertionError failure = assertThrows(AssertionError.class, () -> ledger.checkRecovered("test", rows(1)));
        assertTrue(failure.getMessage().contains("acknowledged write lost: req 2"), failure.getMessage());
    }

    @Test
    void checkRecovered_halfAppliedRequest_fails() {
        ledger.record(inDoubt(1));
        List<PairRow> rows = List.of(row(1, 0));
        AssertionError failure = assertThrows(AssertionError.class, () -> ledger.checkRecovered("test", rows));
        assertTrue(failure.getMessage().contains("half-applied request: req 1"), failure.getMessage());
    }

    @Test
    void checkRecovered_rowOfUnsentRequest_fails() {
        AssertionError failure = assertThrows(AssertionError.class, () -> ledger.checkRecovered("test", rows(9)));
        assertTrue(failure.getMessage().contains("req 9, which was never sent"), failure.getMessage());
    }

    @Test
    void checkRecovered_wrongPayload_fails() {
        ledger.record(acked(1, 5, 0, 10));
        List<PairRow> rows = List.of(row(1, 0), new PairRow(3, 1, 1, 0, 1, "z"));
        AssertionError failure = assertThrows(AssertionError.class, () -> ledger.checkRecovered("test", rows));
        assertTrue(failure.getMessage().contains("payload is 1 x 'z'"), failure.getMessage());
    }

    @Test
    void checkRecovered_refusedRequestApplied_fails() {
        ledger.record(new RequestOutcome(1, 0, 1, Status.NOT_APPLIED, -1, 0, 10));
        AssertionError failure = assertThrows(AssertionError.class, () -> ledger.checkRecovered("test", rows(1)));
        assertTrue(failure.getMessage().contains("refused write was applied"), failure.getMessage());
    }

    @Test
    void checkRecovered_inDoubtRequestDisappearsLater_fails() {
        ledger.record(inDoubt(1));
        ledger.checkRecovered("first recovery", rows(1));
        AssertionError failure = assertThrows(AssertionError.class, () -> ledger.checkRecovered("second", rows()));
        assertTrue(failure.getMessage().contains("in-doubt write disappeared"), failure.getMessage());
    }

    @Test
    void checkAsOf_acknowledgedAfterTxidPresent_fails() {
        ledger.record(acked(1, 5, 0, 10));
        ledger.record(acked(2, 6, 20, 30));
        assertDoesNotThrow(() -> ledger.checkAsOf("test", 5, rows(1)));
        AssertionError failure = assertThrows(AssertionError.class, () -> ledger.checkAsOf("test", 5, rows(1, 2)));
        assertTrue(failure.getMessage().contains("already present as of txid 5"), failure.getMessage());
    }

    @Test
    void checkTxidsFollowRealTime_laterRequestWithSameTxid_fails() {
        ledger.record(acked(1, 5, 0, 10));
        ledger.record(acked(2, 5, 20, 30));
        AssertionError failure = assertThrows(AssertionError.class, () -> ledger.checkTxidsFollowRealTime("test"));
        assertTrue(failure.getMessage().contains("req 2"), failure.getMessage());
    }

    @Test
    void checkTxidsFollowRealTime_overlappingRequestsShareTxid_passes() {
        ledger.record(acked(1, 5, 0, 30));
        ledger.record(acked(2, 5, 10, 20));
        ledger.record(acked(3, 6, 40, 50));
        assertDoesNotThrow(() -> ledger.checkTxidsFollowRealTime("test"));
    }

    private static RequestOutcome acked(long req, long txid, long sent, long answered) {
        return new RequestOutcome(req, 0, 1, Status.ACKNOWLEDGED, txid, sent, answered);
    }

    private static RequestOutcome inDoubt(long req) {
        return new RequestOutcome(req, 0, 1, Status.IN_DOUBT, -1, 0, 10);
    }

    /** Both rows of each request, as writer 0 wrote them. */
    private static List<PairRow> rows(long... reqs) {
        List<PairRow> rows = new ArrayList<>();
        for (long req : reqs) {
            rows.add(row(req, 0));
            rows.add(row(req, 1));
        }
        return rows;
    }

    private static PairRow row(long req, int part) {
        return new PairRow(2 * req + part, req, part, 0, PairedInserts.payloadLength(req, part),
                String.valueOf(PairedInserts.payloadChar(req)));
    }
}
