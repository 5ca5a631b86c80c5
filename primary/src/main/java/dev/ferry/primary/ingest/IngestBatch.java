package dev.ferry.primary.ingest;

import java.util.List;
import java.util.Map;

/**
 * A validated ingest request: the table, the declared fields in request order, and the rows, each
 * holding one converted value per field in the same order (null where the row left the field out).
 */
public record IngestBatch(String table, Map<String, IngestType> fields, List<Object[]> rows) {
    public IngestBatch {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        rows = List.copyOf(rows);
    }
}
