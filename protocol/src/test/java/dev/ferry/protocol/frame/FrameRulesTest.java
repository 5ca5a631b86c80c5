package dev.ferry.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.Limits;
import dev.ferry.protocol.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** One test per validity rule of every message, named {@code type_condition_ruleN}. */
class FrameRulesTest {
    private static final long SUM = 0x8000_0000_0000_0001L;

    private static void assertRule(int rule, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith("rule " + rule + ": "), e.getMessage());
    }

    /** A bulk-frame rule: the caller keeps ownership of the data when the constructor throws. */
    private static void assertBulkRule(int rule, int dataBytes, Function<ByteBuf, BulkFrame> build) {
        ByteBuf data = Unpooled.buffer(dataBytes).writeZero(dataBytes);
        try {
            assertRule(rule, () -> build.apply(data));
            assertEquals(1, data.refCnt());
        } finally {
            data.release();
        }
    }

    @Test
    void hello_minVersionZero_rule1() {
        assertRule(1, () -> new HelloFrame(0, 1, "a", ""));
    }

    @Test
    void hello_minAboveMax_rule2() {
        assertRule(2, () -> new HelloFrame(2, 1, "a", ""));
    }

    @Test
    void hello_maxAboveU16_rule2() {
        assertRule(2, () -> new HelloFrame(1, 65536, "a", ""));
    }

    @Test
    void hello_emptyAgentId_rule3() {
        assertRule(3, () -> new HelloFrame(1, 1, "", ""));
    }

    @Test
    void hello_agentIdAboveLimit_rule3() {
        assertRule(3, () -> new HelloFrame(1, 1, "é".repeat(128), ""));
    }

    @Test
    void hello_tokenAboveLimit_rule4() {
        assertRule(4, () -> new HelloFrame(1, 1, "a", "t".repeat(Limits.MAX_TOKEN_BYTES + 1)));
    }

    @Test
    void hello_unsupportedRange_isValid() {
        assertEquals(7, new HelloFrame(7, 9, "a", "").minVersion());
    }

    @Test
    void hello_toString_hidesToken() {
        assertTrue(!new HelloFrame(1, 1, "a", "s3cret").toString().contains("s3cret"));
    }

    @Test
    void welcome_unsupportedVersion_rule1() {
        assertRule(1, () -> new WelcomeFrame(ProtocolVersion.CURRENT + 1, "p", 1000));
    }

    @Test
    void welcome_emptyPrimaryId_rule2() {
        assertRule(2, () -> new WelcomeFrame(1, "", 1000));
    }

    @Test
    void welcome_zeroInterval_rule3() {
        assertRule(3, () -> new WelcomeFrame(1, "p", 0));
    }

    @Test
    void welcome_intervalAboveU32_rule3() {
        assertRule(3, () -> new WelcomeFrame(1, "p", 1L << 32));
    }

    @Test
    void error_codeZero_rule1() {
        assertRule(1, () -> new ErrorFrame(0, "x"));
    }

    @Test
    void error_messageAboveLimit_rule2() {
        assertRule(2, () -> new ErrorFrame(ErrorCode.INTERNAL, "m".repeat(Limits.MAX_ERROR_MESSAGE_BYTES + 1)));
    }

    @Test
    void error_unknownCode_keptAsNumber() {
        ErrorFrame frame = new ErrorFrame(999, "new");
        assertEquals(999, frame.code());
        assertTrue(frame.errorCode().isEmpty());
    }

    @Test
    void errorShortened_longMessage_cutToLimitAtCharBoundary() {
        String message = "x" + "é".repeat(Limits.MAX_ERROR_MESSAGE_BYTES);
        ErrorFrame frame = ErrorFrame.shortened(ErrorCode.BAD_FRAME, message);
        int bytes = frame.message().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertEquals(Limits.MAX_ERROR_MESSAGE_BYTES - 1, bytes, "2-byte characters after one 1-byte one");
        assertTrue(message.startsWith(frame.message()));
    }

    @Test
    void errorShortened_surrogatePairAtLimit_dropsWholePair() {
        String message = "x".repeat(Limits.MAX_ERROR_MESSAGE_BYTES - 2) + "\uD83D\uDE00";
        assertEquals(Limits.MAX_ERROR_MESSAGE_BYTES - 2,
                ErrorFrame.shortened(ErrorCode.INTERNAL, message).message().length());
    }

    @Test
    void errorShortened_nullMessage_isEmpty() {
        assertEquals("", ErrorFrame.shortened(ErrorCode.INTERNAL, null).message());
    }

    @Test
    void position_badName_rule1() {
        assertRule(1, () -> new DatabasePosition("Orders", 1, SUM));
    }

    @Test
    void position_txidZero_rule2() {
        assertRule(2, () -> new DatabasePosition("orders", 0, SUM));
    }

    @Test
    void position_checksumWithoutBit63_rule3() {
        assertRule(3, () -> new DatabasePosition("orders", 1, 1));
    }

    @Test
    void subscribe_badPattern_rule1() {
        assertRule(1, () -> new SubscribeFrame(List.of("ord[e]rs"), List.of()));
    }

    @Test
    void subscribe_emptyPattern_rule1() {
        assertRule(1, () -> new SubscribeFrame(List.of(""), List.of()));
    }

    @Test
    void subscribe_patternAboveLimit_rule1() {
        assertRule(1, () -> new SubscribeFrame(List.of("a".repeat(Limits.MAX_PATTERN_BYTES + 1)), List.of()));
    }

    @Test
    void subscribe_tooManyPatterns_rule1() {
        assertRule(1, () -> new SubscribeFrame(Collections.nCopies(Limits.MAX_PATTERNS + 1, "a"), List.of()));
    }

    @Test
    void subscribe_tooManyPositions_rule2() {
        DatabasePosition p = new DatabasePosition("a", 1, SUM);
        assertRule(2, () -> new SubscribeFrame(List.of(), Collections.nCopies(Limits.MAX_POSITIONS + 1, p)));
    }

    @Test
    void subscribe_twoPositionsForOneDb_rule3() {
        assertRule(3, () -> new SubscribeFrame(List.of(),
                List.of(new DatabasePosition("a", 1, SUM), new DatabasePosition("a", 2, SUM))));
    }

    @Test
    void databaseAdded_badName_rule1() {
        assertRule(1, () -> new DatabaseAddedFrame("-x"));
    }

    @Test
    void subscribed_reservedFlag_rule1() {
        assertRule(1, () -> new SubscribedFrame(2, List.of()));
    }

    @Test
    void subscribed_tooManyNames_rule2() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= Limits.MAX_SUBSCRIBED_NAMES; i++) {
            names.add("db" + i);
        }
        assertRule(2, () -> new SubscribedFrame(SubscribedFrame.COMPLETE, names));
    }

    @Test
    void subscribed_badName_rule2() {
        assertRule(2, () -> new SubscribedFrame(SubscribedFrame.COMPLETE, List.of("tenant-*")));
    }

    @Test
    void subscribed_nameTwice_rule3() {
        assertRule(3, () -> new SubscribedFrame(SubscribedFrame.COMPLETE, List.of("a", "a")));
    }

    @Test
    void subscribed_fullFrame_fitsThePayloadLimit() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Limits.MAX_SUBSCRIBED_NAMES; i++) {
            names.add(String.format("%063d", i));
        }
        ByteBuf out = Unpooled.buffer();
        try {
            new SubscribedFrame(SubscribedFrame.COMPLETE, names).writeFields(out);
            assertTrue(out.readableBytes() <= Limits.MAX_FRAME_BYTES);
        } finally {
            out.release();
        }
    }

    @Test
    void subscribedAnswer_splitsAtTheLimit_lastComplete() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Limits.MAX_SUBSCRIBED_NAMES + 1; i++) {
            names.add("db" + i);
        }
        List<SubscribedFrame> frames = SubscribedFrame.answer(names);
        assertEquals(2, frames.size());
        assertEquals(0, frames.get(0).flags());
        assertEquals(Limits.MAX_SUBSCRIBED_NAMES, frames.get(0).names().size());
        assertEquals(List.of("db" + Limits.MAX_SUBSCRIBED_NAMES), frames.get(1).names());
        assertTrue(frames.get(1).isComplete());
        assertEquals(List.of(new SubscribedFrame(SubscribedFrame.COMPLETE, List.of())), SubscribedFrame.answer(List.of()));
    }

    @Test
    void databaseRemoved_nameAboveLimit_rule1() {
        assertRule(1, () -> new DatabaseRemovedFrame("a".repeat(Limits.MAX_DB_NAME_BYTES + 1)));
    }

    @Test
    void snapshotBegin_badName_rule1() {
        assertRule(1, () -> new SnapshotBeginFrame("A", 1, SUM, 4096, 1));
    }

    @Test
    void snapshotBegin_txidZero_rule2() {
        assertRule(2, () -> new SnapshotBeginFrame("a", 0, SUM, 4096, 1));
    }

    @Test
    void snapshotBegin_checksumWithoutBit63_rule3() {
        assertRule(3, () -> new SnapshotBeginFrame("a", 1, 5, 4096, 1));
    }

    @Test
    void snapshotBegin_pageSizeNotPowerOfTwo_rule4() {
        assertRule(4, () -> new SnapshotBeginFrame("a", 1, SUM, 4000, 1));
    }

    @Test
    void snapshotBegin_pageCountZero_rule5() {
        assertRule(5, () -> new SnapshotBeginFrame("a", 1, SUM, 4096, 0));
    }

    @Test
    void snapshotEnd_positionRules_apply() {
        assertRule(2, () -> new SnapshotEndFrame("a", 0, SUM));
    }

    @Test
    void ack_positionRules_apply() {
        assertRule(3, () -> new AckFrame("a", 1, 0));
    }

    @Test
    void snapshotChunk_badName_rule1() {
        assertBulkRule(1, 512, d -> new SnapshotChunkFrame("", 1, 1, 512, 0, d));
    }

    @Test
    void snapshotChunk_firstPgnoZero_rule2() {
        assertBulkRule(2, 512, d -> new SnapshotChunkFrame("a", 0, 1, 512, 0, d));
    }

    @Test
    void snapshotChunk_pageCountZero_rule3() {
        assertBulkRule(3, 0, d -> new SnapshotChunkFrame("a", 1, 0, 512, 0, d));
    }

    @Test
    void snapshotChunk_runsPastLastPgno_rule3() {
        assertBulkRule(3, 1024, d -> new SnapshotChunkFrame("a", Integer.MAX_VALUE, 2, 512, 0, d));
    }

    @Test
    void snapshotChunk_badPageSize_rule4() {
        assertBulkRule(4, 1000, d -> new SnapshotChunkFrame("a", 1, 1, 1000, 0, d));
    }

    @Test
    void snapshotChunk_aboveMaxFrame_rule5() {
        assertBulkRule(5, 1, d -> new SnapshotChunkFrame("a", 1, 65, 65536, 1, d));
    }

    @Test
    void snapshotChunk_unknownCompression_rule6() {
        assertBulkRule(6, 512, d -> new SnapshotChunkFrame("a", 1, 1, 512, 2, d));
    }

    @Test
    void snapshotChunk_uncompressedWrongSize_rule7() {
        assertBulkRule(7, 511, d -> new SnapshotChunkFrame("a", 1, 1, 512, 0, d));
    }

    @Test
    void snapshotChunk_zstdEmpty_rule7() {
        assertBulkRule(7, 0, d -> new SnapshotChunkFrame("a", 1, 1, 512, 1, d));
    }

    @Test
    void changeset_badName_rule1() {
        assertBulkRule(1, 64, d -> new ChangesetFrame("a b", 3, 64, d));
    }

    @Test
    void changeset_reservedFlag_rule2() {
        assertBulkRule(2, 64, d -> new ChangesetFrame("a", 7, 64, d));
    }

    @Test
    void changeset_totalBelowRecordMinimum_rule3() {
        assertBulkRule(3, 10, d -> new ChangesetFrame("a", 1, 63, d));
    }

    @Test
    void changeset_totalAboveRecordMaximum_rule3() {
        assertBulkRule(3, 10, d -> new ChangesetFrame("a", 1, Integer.MAX_VALUE, d));
    }

    @Test
    void changeset_emptyData_rule4() {
        assertBulkRule(4, 0, d -> new ChangesetFrame("a", 1, 64, d));
    }

    @Test
    void changeset_dataAboveTotal_rule4() {
        assertBulkRule(4, 65, d -> new ChangesetFrame("a", 0, 64, d));
    }

    @Test
    void changeset_firstAndLastShort_rule5() {
        assertBulkRule(5, 63, d -> new ChangesetFrame("a", ChangesetFrame.FIRST | ChangesetFrame.LAST, 64, d));
    }

    @Test
    void heartbeat_negativeTimestamp_rule1() {
        assertRule(1, () -> new HeartbeatFrame(-1));
    }
}
