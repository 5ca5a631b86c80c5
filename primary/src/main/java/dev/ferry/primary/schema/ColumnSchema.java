package dev.ferry.primary.schema;

/**
 * One column of a table or view, as {@code pragma_table_xinfo} describes it.
 *
 * @param name the column's name
 * @param declaredType the type as written in CREATE TABLE (empty when none was written)
 * @param nullable false when the column is declared NOT NULL
 * @param defaultSql the DEFAULT expression as written, or null when there is none
 * @param primaryKey 0 when the column is not part of the primary key, else its 1-based position in it
 * @param generated null for a stored column; "virtual" or "stored" for a generated column
 */
public record ColumnSchema(String name, String declaredType, boolean nullable, String defaultSql, int primaryKey,
                           String generated) {}
