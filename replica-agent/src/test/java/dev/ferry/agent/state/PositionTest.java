package dev.ferry.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PositionTest {
    @Test
    void toString_formatsTxidSlashChecksumAsSixteenHexDigits() {
        assertEquals("000000000000002a/8000000000000001", new Position(42, 0x8000000000000001L).toString());
    }

    @Test
    void parse_roundTripsToString() {
        Position p = new Position(0x123456789L, 0xfedcba9876543210L);
        assertEquals(p, Position.parse(p + "\n"));
    }

    @Test
    void parse_wrongShape_throwsNamingInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Position.parse("2a/1"));
        assertEquals("position '2a/1' is not of the form %016x/%016x", e.getMessage());
    }

    @Test
    void parse_notHex_throws() {
        assertThrows(IllegalArgumentException.class, () -> Position.parse("000000000000002g/8000000000000001"));
    }
}
