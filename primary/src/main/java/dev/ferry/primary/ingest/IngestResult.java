package dev.ferry.primary.ingest;

import java.util.List;

/**
 * What an ingest did: the rows inserted, whether it created the table, and the columns it added
 * (empty when the table already had every declared field).
 */
public record IngestResult(int rows, boolean createdTable, List<String> addedColumns) {
    public IngestResult {
        addedColumns = List.copyOf(addedColumns);
    }
}
