package dev.ferry.primary.schema;

import java.util.List;

/**
 * A table: its name, the CREATE statement SQLite keeps for it, its columns in order, and whether
 * it is a WITHOUT ROWID or a STRICT table. Virtual tables have their own CREATE VIRTUAL TABLE text.
 */
public record TableSchema(String name, String sql, List<ColumnSchema> columns, boolean withoutRowid, boolean strict) {}
