package dev.ferry.primary.catalog;

import dev.ferry.protocol.sqlite.SqliteFormat;
import java.util.Locale;

/**
 * Settings fixed when a database is created: page size and auto-vacuum mode. Neither can change
 * later (the page size cannot change in WAL mode).
 */
public record CreateOptions(int pageSize, AutoVacuum autoVacuum) {
    public static final CreateOptions DEFAULTS = new CreateOptions(4096, AutoVacuum.NONE);

    /** SQLite's auto_vacuum modes. */
    public enum AutoVacuum {
        NONE, FULL, INCREMENTAL;

        /** Parses "none", "full" or "incremental" (any case). */
        public static AutoVacuum parse(String value) {
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("auto_vacuum '" + value + "' is not one of none, full, incremental", e);
            }
        }
    }

    public CreateOptions {
        SqliteFormat.checkPageSize(pageSize);
        if (autoVacuum == null) {
            throw new IllegalArgumentException("auto_vacuum is null");
        }
    }
}
