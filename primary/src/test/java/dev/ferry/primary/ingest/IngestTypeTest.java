package dev.ferry.primary.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngestTypeTest {
    @Test
    void ofSqlType_everyType_roundTrips() {
        for (IngestType type : IngestType.values()) {
            assertEquals(Optional.of(type), IngestType.ofSqlType(type.sqlType()));
            assertEquals(Optional.of(type), IngestType.ofJsonName(type.jsonName()));
        }
    }

    @Test
    void ofSqlType_anyCase_matches() {
        assertEquals(Optional.of(IngestType.TIMESTAMP), IngestType.ofSqlType("timestamp_ms"));
    }

    @Test
    void ofSqlType_otherDeclaredTypes_empty() {
        assertTrue(IngestType.ofSqlType("VARCHAR(10)").isEmpty());
        assertTrue(IngestType.ofSqlType("INT").isEmpty());
        assertTrue(IngestType.ofSqlType("").isEmpty());
        assertTrue(IngestType.ofJsonName("String").isEmpty());
    }
}
