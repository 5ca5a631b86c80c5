package dev.ferry.primary.schema;

import java.util.List;

/**
 * An index of a table.
 *
 * @param origin how it came to be: "create_index" (CREATE INDEX), "unique" (a UNIQUE constraint) or
 *     "primary_key" (a PRIMARY KEY other than an INTEGER PRIMARY KEY)
 * @param columns the indexed columns in key order; null for an expression
 * @param sql the CREATE INDEX statement, or null for an index SQLite made for a constraint
 */
public record IndexSchema(String name, String table, boolean unique, String origin, boolean partial,
                          List<String> columns, String sql) {}
