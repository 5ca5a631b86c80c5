package dev.ferry.primary.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ferry.primary.catalog.DatabaseInfo;
import dev.ferry.primary.stream.ReplicaStatus;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.QueryResult;
import dev.ferry.primary.write.StatementResult;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The JSON shapes of successful responses and of errors; docs/http-api.md shows each. Stateless. */
final class ResponseBodies {
    private ResponseBodies() {}

    static ApiResponse.Body health() {
        return out -> {
            out.writeStartObject();
            out.writeStringField("status", "ok");
            out.writeEndObject();
        };
    }

    /** Every database with its replicas; {@code replicas} gives them by database name. */
    static ApiResponse.Body databases(List<DatabaseInfo> databases, Map<String, List<ReplicaStatus>> replicas) {
        return out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("databases");
            for (DatabaseInfo info : databases) {
                writeDatabase(out, info, replicas.getOrDefault(info.name(), List.of()));
            }
            out.writeEndArray();
            out.writeEndObject();
        };
    }

    /** One database with its replicas (GET /v1/databases/{db}; a new one has none). */
    static ApiResponse.Body database(DatabaseInfo info, List<ReplicaStatus> replicas) {
        return out -> writeDatabase(out, info, replicas);
    }

    static ApiResponse.Body executed(ExecuteResult result) {
        return out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("results");
            for (StatementResult statement : result.results()) {
                out.writeStartObject();
                out.writeNumberField("rows_affected", statement.rowsAffected());
                out.writeNumberField("last_insert_id", statement.lastInsertId());
                if (statement.columns() != null) {
                    writeStrings(out, "columns", statement.columns());
                    writeRows(out, statement.rows());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeNumberField("txid", result.txid());
            out.writeEndObject();
        };
    }

    static ApiResponse.Body queried(QueryResult result) {
        return out -> {
            out.writeStartObject();
            writeStrings(out, "columns", result.columns());
            writeStrings(out, "types", result.types());
            writeRows(out, result.rows());
            out.writeNumberField("txid", result.txid());
            out.writeEndObject();
        };
    }

    /** {@code {"error": message}}, plus {@code "statement": index} when {@code statement} is not null. */
    static ApiResponse.Body error(String message, Integer statement) {
        return error(message, statement, null);
    }

    /**
     * {@code {"error": message}}, plus {@code "statement": index} and {@code "limit": name} when
     * they are not null.
     */
    static ApiResponse.Body error(String message, Integer statement, String limit) {
        return out -> {
            out.writeStartObject();
            out.writeStringField("error", message);
            if (statement != null) {
                out.writeNumberField("statement", statement);
            }
            if (limit != null) {
                out.writeStringField("limit", limit);
            }
            out.writeEndObject();
        };
    }

    private static void writeRows(JsonGenerator out, List<List<Object>> rows) throws IOException {
        out.writeArrayFieldStart("rows");
        for (List<Object> row : rows) {
            out.writeStartArray();
            for (Object value : row) {
                JsonValues.write(out, value);
            }
            out.writeEndArray();
        }
        out.writeEndArray();
    }

    private static void writeDatabase(JsonGenerator out, DatabaseInfo info, List<ReplicaStatus> replicas)
            throws IOException {
        out.writeStartObject();
        out.writeStringField("name", info.name());
        out.writeNumberField("txid", info.txid());
        out.writeStringField("checksum", HexFormat.of().toHexDigits(info.checksum()));
        out.writeNumberField("page_size", info.pageSize());
        out.writeNumberField("page_count", info.pageCount());
        out.writeNumberField("log_bytes", info.logBytes());
        out.writeArrayFieldStart("replicas");
        for (ReplicaStatus replica : replicas) {
            out.writeStartObject();
            out.writeStringField("agent_id", replica.agentId());
            out.writeNumberField("applied_txid", replica.appliedTxid());
            out.writeNumberField("lag_txids", replica.lagTxids());
            out.writeNumberField("lag_ms", replica.lagMs());
            out.writeBooleanField("connected", replica.connected());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    private static void writeStrings(JsonGenerator out, String field, List<String> values) throws IOException {
        out.writeArrayFieldStart(field);
        for (String value : values) {
            out.writeString(value);
        }
        out.writeEndArray();
    }
}
