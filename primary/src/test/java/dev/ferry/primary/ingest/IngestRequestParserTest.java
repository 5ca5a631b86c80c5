package dev.ferry.primary.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestRequestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static IngestBatch parse(String body, int maxRows) throws Exception {
        return IngestRequestParser.parse(JSON.readTree(body), new IngestLimits(maxRows));
    }

    private static IngestRejectedException refused(String body) {
        return assertThrows(IngestRejectedException.class, () -> parse(body, 10));
    }

    @Test
    void parse_rows_alignedWithSchemaAbsentNull() throws Exception {
        IngestBatch batch = parse("{\"table\": \"dogs\", \"schema\": {\"name\": \"string\", \"weight\": \"int\"},"
                + " \"rows\": [{\"weight\": 30, \"name\": \"rex\"}, {\"name\": \"fido\"}, {}]}", 10);

        assertEquals("dogs", batch.table());
        assertEquals(List.of("name", "weight"), List.copyOf(batch.fields().keySet()));
        assertArrayEquals(new Object[] {"rex", 30L}, batch.rows().get(0));
        assertArrayEquals(new Object[] {"fido", null}, batch.rows().get(1));
        assertArrayEquals(new Object[] {null, null}, batch.rows().get(2));
    }

    @Test
    void parse_fieldOutsideSchema_invalidNamingRowAndField() {
        IngestRejectedException e = refused("{\"table\": \"dogs\", \"schema\": {\"name\": \"string\"},"
                + " \"rows\": [{\"name\": \"a\"}, {\"colour\": \"red\"}]}");
        assertEquals(IngestRejectedException.Reason.INVALID, e.reason());
        assertEquals("rows[1] has field 'colour', which is not in the declared schema (name)", e.getMessage());
    }

    @Test
    void parse_tooManyRows_tooLargeNamingTheLimit() {
        IngestRejectedException e = assertThrows(IngestRejectedException.class, () -> parse(
                "{\"table\": \"t\", \"schema\": {\"a\": \"int\"}, \"rows\": [{}, {}, {}]}", 2));
        assertEquals(IngestRejectedException.Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("3 rows; the limit is 2 rows per request"), e.getMessage());
    }

    @Test
    void parse_badShapes_invalid() {
        assertTrue(refused("[]").getMessage().contains("must be a JSON object"));
        assertTrue(refused("{\"table\": \"t\", \"schema\": {\"a\": \"int\"}, \"rows\": [], \"x\": 1}").getMessage()
                .contains("unknown field \"x\""));
        assertTrue(refused("{\"schema\": {\"a\": \"int\"}, \"rows\": []}").getMessage().contains("\"table\""));
        assertTrue(refused("{\"table\": \"t\", \"schema\": {}, \"rows\": []}").getMessage().contains("at least one field"));
        assertTrue(refused("{\"table\": \"t\", \"schema\": {\"a\": \"int\"}}").getMessage().contains("\"rows\" array"));
        assertTrue(refused("{\"table\": \"t\", \"schema\": {\"a\": \"int\"}, \"rows\": [1]}").getMessage()
                .contains("rows[0] must be an object"));
    }

    @Test
    void parse_unknownType_invalidListingTypes() {
        assertEquals("schema.a must be one of string, int, float, bool, timestamp, bytes, not 'integer'",
                refused("{\"table\": \"t\", \"schema\": {\"a\": \"integer\"}, \"rows\": []}").getMessage());
    }

    @Test
    void parse_reservedOrClashingOrBadNames_invalid() {
        assertTrue(refused("{\"table\": \"t\", \"schema\": {\"ID\": \"int\"}, \"rows\": []}").getMessage()
                .contains("reserved"));
        assertTrue(refused("{\"table\": \"t\", \"schema\": {\"a\": \"int\", \"A\": \"int\"}, \"rows\": []}").getMessage()
                .contains("name the same column"));
        assertTrue(refused("{\"table\": \"sqlite_x\", \"schema\": {\"a\": \"int\"}, \"rows\": []}").getMessage()
                .contains("invalid table name"));
        assertTrue(refused("{\"table\": \"t\", \"schema\": {\"a;drop\": \"int\"}, \"rows\": []}").getMessage()
                .contains("invalid schema field name"));
    }

    @Test
    void parse_valueOfWrongType_invalidNamingRowAndField() {
        assertTrue(refused("{\"table\": \"t\", \"schema\": {\"a\": \"int\"}, \"rows\": [{\"a\": 1}, {\"a\": \"x\"}]}")
                .getMessage().startsWith("rows[1].a is declared int but is a string"));
    }
}
