package dev.ferry.systemtest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One row of {@link PairedInserts#SELECT_ROWS}, however it was read. */
public record PairRow(long id, long req, int part, int writer, int payloadLength, String payloadFirstChar) {
    public static List<PairRow> fromJson(List<List<JsonNode>> rows) {
        List<PairRow> parsed = new ArrayList<>(rows.size());
        for (List<JsonNode> row : rows) {
            parsed.add(new PairRow(row.get(0).longValue(), row.get(1).longValue(), row.get(2).intValue(),
                    row.get(3).intValue(), row.get(4).intValue(), row.get(5).textValue()));
        }
        return parsed;
    }

    /** Why this row is not what request {@link #req} wrote, or null if it is. */
    String defect() {
        long expectedId = 2 * req + part;
        if (part != 0 && part != 1) {
            return "part " + part + " is neither 0 nor 1";
        }
        if (id != expectedId) {
            return "id " + id + " should be " + expectedId;
        }
        int expectedLength = PairedInserts.payloadLength(req, part);
        String expectedChar = String.valueOf(PairedInserts.payloadChar(req));
        if (payloadLength != expectedLength || !payloadFirstChar.equals(expectedChar)) {
            return "payload is " + payloadLength + " x '" + payloadFirstChar + "', should be " + expectedLength
                    + " x '" + expectedChar + "'";
        }
        return null;
    }
}
