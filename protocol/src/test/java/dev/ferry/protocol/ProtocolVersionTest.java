package dev.ferry.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProtocolVersionTest {

    @Test
    void negotiate_sameRange_picksCurrent() {
        assertEquals(OptionalInt.of(ProtocolVersion.CURRENT),
                ProtocolVersion.negotiate(ProtocolVersion.MIN_SUPPORTED, ProtocolVersion.CURRENT));
    }

    @Test
    void negotiate_newerPeer_picksHighestCommon() {
        assertEquals(OptionalInt.of(ProtocolVersion.CURRENT), ProtocolVersion.negotiate(1, 9));
    }

    @Test
    void negotiate_peerAboveRange_isEmpty() {
        assertEquals(OptionalInt.empty(), ProtocolVersion.negotiate(ProtocolVersion.CURRENT + 1, 9));
    }

    @Test
    void negotiate_peerBelowRange_isEmpty() {
        assertEquals(OptionalInt.empty(), ProtocolVersion.negotiate(0, ProtocolVersion.MIN_SUPPORTED - 1));
    }

    @Test
    void negotiate_version1Agent_picks1() {
        assertEquals(OptionalInt.of(1), ProtocolVersion.negotiate(1, 1));
        assertFalse(ProtocolVersion.hasSubscribed(1));
    }

    @Test
    void negotiate_version1Primary_picks1() {
        assertEquals(OptionalInt.of(1), ProtocolVersion.negotiate(ProtocolVersion.MIN_SUPPORTED,
                ProtocolVersion.CURRENT, 1, 1));
    }

    @Test
    void version2_carriesSubscribed() {
        assertEquals(2, ProtocolVersion.CURRENT);
        assertTrue(ProtocolVersion.hasSubscribed(2));
    }

    @Test
    void isSupported_bounds() {
        assertTrue(ProtocolVersion.isSupported(ProtocolVersion.MIN_SUPPORTED));
        assertTrue(ProtocolVersion.isSupported(ProtocolVersion.CURRENT));
        assertFalse(ProtocolVersion.isSupported(ProtocolVersion.CURRENT + 1));
        assertFalse(ProtocolVersion.isSupported(0));
    }
}
