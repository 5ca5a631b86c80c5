package dev.ferry.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire codes are compatibility-breaking: this test fails when one moves. */
class FrameTypeTest {

    @Test
    void codes_matchTheSpec() {
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (FrameType type : FrameType.values()) {
            codes.put(type.name(), type.code());
        }
        assertEquals(Map.ofEntries(Map.entry("HELLO", 1), Map.entry("WELCOME", 2), Map.entry("ERROR", 3),
                Map.entry("SUBSCRIBE", 4), Map.entry("DATABASE_ADDED", 5), Map.entry("DATABASE_REMOVED", 6),
                Map.entry("SNAPSHOT_BEGIN", 7), Map.entry("SNAPSHOT_CHUNK", 8), Map.entry("SNAPSHOT_END", 9),
                Map.entry("CHANGESET", 10), Map.entry("ACK", 11), Map.entry("HEARTBEAT", 12),
                Map.entry("SUBSCRIBED", 14)), codes);
    }

    @Test
    void fromCode_everyCode_roundTrips() {
        for (FrameType type : FrameType.values()) {
            assertEquals(type, FrameType.fromCode(type.code()).orElseThrow());
        }
        assertTrue(FrameType.fromCode(0).isEmpty());
        // Never assigned: the unknown-type vector's code.
        assertTrue(FrameType.fromCode(13).isEmpty());
        assertTrue(FrameType.fromCode(15).isEmpty());
        assertTrue(FrameType.fromCode(256).isEmpty());
        assertTrue(FrameType.fromCode(-1).isEmpty());
    }

    @Test
    void errorCodes_matchTheSpec() {
        assertEquals("[UNSUPPORTED_VERSION=1, UNAUTHORIZED=2, BAD_FRAME=3, UNKNOWN_DATABASE=4, PROTOCOL_VIOLATION=5, "
                        + "INTERNAL=6, SHUTTING_DOWN=7]",
                Arrays.stream(ErrorCode.values()).map(c -> c.name() + "=" + c.code()).toList().toString());
        assertEquals(ErrorCode.SHUTTING_DOWN, ErrorCode.fromCode(7).orElseThrow());
        assertTrue(ErrorCode.fromCode(0).isEmpty());
    }
}
