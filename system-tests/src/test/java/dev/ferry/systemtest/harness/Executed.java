package dev.ferry.systemtest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The answer to an execute request: one result per statement and the txid of the transaction. */
public record Executed(List<StatementResult> results, long txid) {
    /** What one statement did. */
    public record StatementResult(long rowsAffected, long lastInsertId) {}

    static Executed from(JsonNode body) {
        List<StatementResult> results = new ArrayList<>();
        for (JsonNode result : Json.array(body, "results")) {
            results.add(new StatementResult(Json.integer(result, "rows_affected"), Json.integer(result, "last_insert_id")));
        }
        return new Executed(List.copyOf(results), Json.integer(body, "txid"));
    }
}
