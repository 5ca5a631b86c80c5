package dev.ferry.primary.schema;

import java.util.List;

/** A view: its name, its CREATE VIEW statement and its result columns. */
public record ViewSchema(String name, String sql, List<ColumnSchema> columns) {}
