package dev.ferry.primary.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ferry.primary.catalog.DatabaseInfo;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.QueryResult;
import dev.ferry.primary.write.StatementResult;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;

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

    static ApiResponse.Body databases(List<DatabaseInfo> databases) {
        return out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("databases");
            for (DatabaseInfo info : databases) {
                writeDatabase(out, info);
            }
            out.writeEndArray();
            out.writeEndObject();
        };
    }

    static ApiResponse.Body database(DatabaseInfo info) {
        return out -> writeDatabase(out, info);
    }

    static ApiResponse.Body executed(ExecuteResult result) {
        return out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("results");
            for (StatementResult statement : result.results()) {
                out.writeStartObject();
                out.writeNumberField("rows_affected", statement.rowsAffected());
                out.writeNumberField("last_insert_id", statement.lastInsertId());
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
            out.writeArrayFieldStart("rows");
            for (List<Object> row : result.rows()) {
                out.writeStartArray();
                for (Object value : row) {
                    JsonValues.write(out, value);
                }
                out.writeEndArray();
            }
            out.writeEndArray();
            out.writeNumberField("txid", result.txid());
            out.writeEndObject();
        };
    }

    /** {@code {"error": message}}, plus {@code "statement": index} when {@code statement} is not null. */
    static ApiResponse.Body error(String message, Integer statement) {
        return out -> {
            out.writeStartObject();
            out.writeStringField("error", message);
            if (statement != null) {
                out.writeNumberField("statement", statement);
            }
            out.writeEndObject();
        };
    }

    private static void writeDatabase(JsonGenerator out, DatabaseInfo info) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", info.name());
        out.writeNumberField("txid", info.txid());
        out.writeStringField("checksum", HexFormat.of().toHexDigits(info.checksum()));
        out.writeNumberField("page_size", info.pageSize());
        out.writeNumberField("page_count", info.pageCount());
        out.writeNumberField("log_bytes", info.logBytes());
        // Replicas report their applied positions over the replication protocol, which arrives with
        // the replication server; until then no replica is known.
        out.writeArrayFieldStart("replicas");
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
