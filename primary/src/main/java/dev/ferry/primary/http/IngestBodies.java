package dev.ferry.primary.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ferry.primary.ingest.IngestResult;
import dev.ferry.primary.schema.ColumnSchema;
import dev.ferry.primary.schema.DatabaseSchema;
import dev.ferry.primary.schema.IndexSchema;
import dev.ferry.primary.schema.TableSchema;
import dev.ferry.primary.schema.TriggerSchema;
import dev.ferry.primary.schema.ViewSchema;
import java.io.IOException;
import java.util.List;

/** The JSON answers of the schema, ingest and retention endpoints; docs/http-api.md shows each. Stateless. */
final class IngestBodies {
    private IngestBodies() {}

    static ApiResponse.Body schema(DatabaseSchema schema, long txid) {
        return out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("tables");
            for (TableSchema table : schema.tables()) {
                out.writeStartObject();
                out.writeStringField("name", table.name());
                writeColumns(out, table.columns());
                out.writeBooleanField("without_rowid", table.withoutRowid());
                out.writeBooleanField("strict", table.strict());
                out.writeStringField("sql", table.sql());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("indexes");
            for (IndexSchema index : schema.indexes()) {
                out.writeStartObject();
                out.writeStringField("name", index.name());
                out.writeStringField("table", index.table());
                out.writeBooleanField("unique", index.unique());
                out.writeStringField("origin", index.origin());
                out.writeBooleanField("partial", index.partial());
                out.writeArrayFieldStart("columns");
                for (String column : index.columns()) {
                    out.writeString(column);
                }
                out.writeEndArray();
                out.writeStringField("sql", index.sql());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("views");
            for (ViewSchema view : schema.views()) {
                out.writeStartObject();
                out.writeStringField("name", view.name());
                writeColumns(out, view.columns());
                out.writeStringField("sql", view.sql());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("triggers");
            for (TriggerSchema trigger : schema.triggers()) {
                out.writeStartObject();
                out.writeStringField("name", trigger.name());
                out.writeStringField("table", trigger.table());
                out.writeStringField("sql", trigger.sql());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeNumberField("txid", txid);
            out.writeEndObject();
        };
    }

    static ApiResponse.Body ingested(IngestResult result, long txid) {
        return out -> {
            out.writeStartObject();
            out.writeNumberField("rows", result.rows());
            out.writeBooleanField("created_table", result.createdTable());
            out.writeArrayFieldStart("added_columns");
            for (String column : result.addedColumns()) {
                out.writeString(column);
            }
            out.writeEndArray();
            out.writeNumberField("txid", txid);
            out.writeEndObject();
        };
    }

    static ApiResponse.Body pruned(long rowsDeleted, long txid) {
        return out -> {
            out.writeStartObject();
            out.writeNumberField("rows_deleted", rowsDeleted);
            out.writeNumberField("txid", txid);
            out.writeEndObject();
        };
    }

    private static void writeColumns(JsonGenerator out, List<ColumnSchema> columns) throws IOException {
        out.writeArrayFieldStart("columns");
        for (ColumnSchema column : columns) {
            out.writeStartObject();
            out.writeStringField("name", column.name());
            out.writeStringField("type", column.declaredType());
            out.writeBooleanField("nullable", column.nullable());
            out.writeStringField("default", column.defaultSql());
            out.writeNumberField("primary_key", column.primaryKey());
            out.writeStringField("generated", column.generated());
            out.writeEndObject();
        }
        out.writeEndArray();
    }
}
