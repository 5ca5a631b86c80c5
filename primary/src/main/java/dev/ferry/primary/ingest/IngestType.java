package dev.ferry.primary.ingest;

import java.util.Locale;
import java.util.Optional;

/**
 * The closed set of field types an ingest request may declare, and the SQLite column type each
 * becomes. The declared column type in CREATE TABLE / ALTER TABLE is the single source of truth: an
 * existing column's ingest type is read back from it, so replicas and plain SQL readers see the
 * same names (and SQLite's affinity rules give each the right storage class).
 *
 * <p>Compatibility: the SQL type names are written into users' databases; changing one orphans
 * the columns created with it.
 */
public enum IngestType {
    /** TEXT affinity. */
    STRING("string", "TEXT"),
    /** INTEGER affinity, exact 64-bit. */
    INT("int", "INTEGER"),
    /** REAL affinity, IEEE double. */
    FLOAT("float", "REAL"),
    /** NUMERIC affinity; stored as the integers 0 and 1. */
    BOOL("bool", "BOOLEAN"),
    /** NUMERIC affinity; stored as an integer: milliseconds since 1970-01-01T00:00:00Z. */
    TIMESTAMP("timestamp", "TIMESTAMP_MS"),
    /** BLOB affinity (no conversion). */
    BYTES("bytes", "BLOB");

    private final String jsonName;
    private final String sqlType;

    IngestType(String jsonName, String sqlType) {
        this.jsonName = jsonName;
        this.sqlType = sqlType;
    }

    /** The name requests use: {@code "string"}, {@code "int"}, … */
    public String jsonName() {
        return jsonName;
    }

    /** The declared SQLite column type. */
    public String sqlType() {
        return sqlType;
    }

    /** The type a request names, exactly (lower case); empty if there is none. */
    public static Optional<IngestType> ofJsonName(String name) {
        for (IngestType t : values()) {
            if (t.jsonName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The ingest type of a column declared {@code sqlType} (any case); empty for any other declared type. */
    public static Optional<IngestType> ofSqlType(String sqlType) {
        String upper = sqlType == null ? "" : sqlType.trim().toUpperCase(Locale.ROOT);
        for (IngestType t : values()) {
            if (t.sqlType.equals(upper)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Every request name, for error messages: {@code string, int, float, bool, timestamp, bytes}. */
    public static String jsonNames() {
        StringBuilder names = new StringBuilder();
        for (IngestType t : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(t.jsonName);
        }
        return names.toString();
    }
}
