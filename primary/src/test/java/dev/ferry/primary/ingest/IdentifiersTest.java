package dev.ferry.primary.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void check_plainNames_accepted() throws Exception {
        assertEquals("dog_registry", Identifiers.check("dog_registry", "table"));
        assertEquals("_X9", Identifiers.check("_X9", "table"));
        assertEquals("a".repeat(64), Identifiers.check("a".repeat(64), "table"));
    }

    @Test
    void check_badNames_refusedNamingTheRule() {
        for (String bad : new String[] {"", "9lives", "a-b", "a b", "a\"b", "a".repeat(65), "sqlite_master", "SQLite_x",
                "é"}) {
            IngestRejectedException e = assertThrows(IngestRejectedException.class, () -> Identifiers.check(bad, "table"));
            assertTrue(e.getMessage().contains("invalid table name '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void quote_doublesQuotes() {
        assertEquals("\"a\"", Identifiers.quote("a"));
        assertEquals("\"a\"\"b\"", Identifiers.quote("a\"b"));
    }
}
