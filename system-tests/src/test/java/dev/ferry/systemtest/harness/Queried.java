package dev.ferry.systemtest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The answer to a query: column names and rows as JSON values, read at {@code txid}. */
public record Queried(List<String> columns, List<List<JsonNode>> rows, long txid) {
    static Queried from(JsonNode body) {
        List<String> columns = new ArrayList<>();
        for (JsonNode column : Json.array(body, "columns")) {
            columns.add(column.textValue());
        }
        List<List<JsonNode>> rows = new ArrayList<>();
        for (JsonNode row : Json.array(body, "rows")) {
            List<JsonNode> values = new ArrayList<>();
            row.forEach(values::add);
            rows.add(List.copyOf(values));
        }
        return new Queried(List.copyOf(columns), List.copyOf(rows), Json.integer(body, "txid"));
    }
}
