package dev.ferry.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link ChangesetAssembler}; the joining itself is tested with the chunker. */
class ChangesetAssemblerTest {
    private final ChangesetAssembler assembler = new ChangesetAssembler("orders");

    @AfterEach
    void close() {
        assembler.close();
    }

    private static ChangesetFrame piece(int flags, int total, int bytes) {
        return new ChangesetFrame("orders", flags, total, Unpooled.buffer(bytes).writeZero(bytes));
    }

    private Optional<byte[]> accept(ChangesetFrame frame) throws ProtocolViolationException {
        try {
            return assembler.accept(frame);
        } finally {
            frame.release();
        }
    }

    private void assertRule(int rule, ChangesetFrame frame) {
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class, () -> accept(frame));
        assertTrue(e.getMessage().startsWith("CHANGESET for orders: rule " + rule + ": "), e.getMessage());
        assertFalse(assembler.inProgress(), "a violation drops the partial changeset");
    }

    @Test
    void accept_middleWithoutFirst_rule1() {
        assertRule(1, piece(0, 100, 10));
    }

    @Test
    void accept_firstDuringChangeset_rule2() throws Exception {
        accept(piece(ChangesetFrame.FIRST, 100, 10));
        assertRule(2, piece(ChangesetFrame.FIRST, 100, 10));
    }

    @Test
    void accept_totalLengthChanges_rule3() throws Exception {
        accept(piece(ChangesetFrame.FIRST, 100, 10));
        assertRule(3, piece(0, 101, 10));
    }

    @Test
    void accept_piecesExceedTotal_rule4() throws Exception {
        accept(piece(ChangesetFrame.FIRST, 100, 60));
        assertRule(4, piece(0, 100, 41));
    }

    @Test
    void accept_lastShort_rule5() throws Exception {
        accept(piece(ChangesetFrame.FIRST, 100, 60));
        assertRule(5, piece(ChangesetFrame.LAST, 100, 39));
    }

    @Test
    void accept_otherDatabase_throwsIllegalArgument() {
        ChangesetFrame other = new ChangesetFrame("customers", 3, 64, Unpooled.buffer(64).writeZero(64));
        assertThrows(IllegalArgumentException.class, () -> accept(other));
    }

    @Test
    void close_midChangeset_releasesPiecesAndAllowsNewChangeset() throws Exception {
        ChangesetFrame first = piece(ChangesetFrame.FIRST, 100, 60);
        assembler.accept(first);
        assertEquals(2, first.refCnt(), "the assembler keeps its own reference");
        assembler.close();
        assertEquals(1, first.refCnt());
        first.release();
        assertEquals(64, accept(piece(ChangesetFrame.FIRST | ChangesetFrame.LAST, 64, 64)).orElseThrow().length);
    }
}
