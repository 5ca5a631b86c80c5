package dev.ferry.primary.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import org.junit.jupiter.api.Test;

class IngestValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static Object convert(IngestType type, String json) throws Exception {
        return IngestValues.convert(type, json(json), "rows[2].f");
    }

    private static String refusal(IngestType type, String json) {
        IngestRejectedException e = assertThrows(IngestRejectedException.class, () -> convert(type, json));
        assertEquals(IngestRejectedException.Reason.INVALID, e.reason());
        return e.getMessage();
    }

    @Test
    void convert_nullForEveryType_null() throws Exception {
        for (IngestType type : IngestType.values()) {
            assertNull(convert(type, "null"), type.toString());
        }
    }

    @Test
    void convert_string_textOnly() throws Exception {
        assertEquals("rex", convert(IngestType.STRING, "\"rex\""));
        assertTrue(refusal(IngestType.STRING, "5").contains("rows[2].f is declared string but is an integer"));
    }

    @Test
    void convert_intExtremes_exact() throws Exception {
        assertEquals(Long.MAX_VALUE, convert(IngestType.INT, "9223372036854775807"));
        assertEquals(Long.MIN_VALUE, convert(IngestType.INT, "-9223372036854775808"));
        assertEquals(9007199254740993L, convert(IngestType.INT, "9007199254740993"));
    }

    @Test
    void convert_intOutOfRangeOrFraction_refused() {
        assertTrue(refusal(IngestType.INT, "9223372036854775808").contains("outside the signed 64-bit range"));
        assertTrue(refusal(IngestType.INT, "1.0").contains("declared int but is a number with a fraction"));
        assertTrue(refusal(IngestType.INT, "\"3\"").contains("declared int but is a string"));
    }

    @Test
    void convert_float_anyFiniteNumber() throws Exception {
        assertEquals(2.5, convert(IngestType.FLOAT, "2.5"));
        assertEquals(3.0, convert(IngestType.FLOAT, "3"));
        assertTrue(refusal(IngestType.FLOAT, "1e400").contains("outside the range"));
        refusal(IngestType.FLOAT, "true");
    }

    @Test
    void convert_bool_zeroOrOne() throws Exception {
        assertEquals(1L, convert(IngestType.BOOL, "true"));
        assertEquals(0L, convert(IngestType.BOOL, "false"));
        assertTrue(refusal(IngestType.BOOL, "1").contains("expected true or false"));
    }

    @Test
    void convert_timestampIsoOrEpochMs_epochMs() throws Exception {
        assertEquals(1_793_491_200_000L, convert(IngestType.TIMESTAMP, "\"2026-11-01T00:00:00Z\""));
        assertEquals(1_793_491_200_250L - 3_600_000L, convert(IngestType.TIMESTAMP, "\"2026-11-01T00:00:00.250+01:00\""));
        assertEquals(1_793_491_200_000L, convert(IngestType.TIMESTAMP, "\"2026-11-01T00:00:00.000999Z\""));
        assertEquals(-5L, convert(IngestType.TIMESTAMP, "-5"));
        assertEquals(1_793_491_200_000L, convert(IngestType.TIMESTAMP, "1793491200000"));
    }

    @Test
    void convert_timestampWithoutOffsetOrFraction_refused() {
        assertTrue(refusal(IngestType.TIMESTAMP, "\"2026-11-01T00:00:00\"").contains("not an ISO-8601 date-time"));
        assertTrue(refusal(IngestType.TIMESTAMP, "\"yesterday\"").contains("rows[2].f"));
        refusal(IngestType.TIMESTAMP, "1.5");
    }

    @Test
    void convert_bytesBase64_blob() throws Exception {
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) convert(IngestType.BYTES, "{\"base64\": \"AQID\"}"));
        assertTrue(refusal(IngestType.BYTES, "{\"base64\": \"!!\"}").contains("rows[2].f.base64 is not valid base64"));
        refusal(IngestType.BYTES, "\"AQID\"");
    }
}
