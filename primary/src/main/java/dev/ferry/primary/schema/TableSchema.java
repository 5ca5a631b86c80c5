package dev.ferry.primary.schema;

import java.util.List;

/**
 * A table: its name, the CREATE statement SQLite keeps for it, and its columns in order.
 * Virtual tables have their own CREATE VIRTUAL TABLE text.
 */
public record TableSchema(String name, String sql, List<ColumnSchema> columns) {}
