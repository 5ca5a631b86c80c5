package dev.ferry.systemtest.harness;

import com.fasterxml.jackson.databind.JsonNode;

/** A database as {@code GET /v1/databases/{name}} reports it: its position and size. */
public record DatabaseState(String name, long txid, String checksum, long pageSize, long pageCount) {
    static DatabaseState from(JsonNode body) {
        return new DatabaseState(Json.text(body, "name"), Json.integer(body, "txid"), Json.text(body, "checksum"),
                Json.integer(body, "page_size"), Json.integer(body, "page_count"));
    }
}
