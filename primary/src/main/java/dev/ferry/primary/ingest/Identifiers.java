package dev.ferry.primary.ingest;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Table and column names of ingest requests: checked against a conservative rule, then quoted, so
 * that no name can change the meaning of the SQL built from it.
 *
 * <ol>
 *   <li>A name matches {@code [A-Za-z_][A-Za-z0-9_]{0,63}}.
 *   <li>It does not start with {@code sqlite_} in any case (SQLite reserves those names).
 * </ol>
 */
public final class Identifiers {
    public static final String RULE = "[A-Za-z_][A-Za-z0-9_]{0,63}, not starting with sqlite_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private Identifiers() {}

    /** {@code name} itself if it follows the rules; {@code what} names it in the error ("table", "schema field"). */
    public static String check(String name, String what) throws IngestRejectedException {
        if (!NAME.matcher(name).matches() || name.toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
            throw IngestRejectedException.invalid("invalid " + what + " name '" + name + "': names match " + RULE);
        }
        return name;
    }

    /** {@code "name"}: a double-quoted SQL identifier (embedded quotes doubled, though checked names have none). */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
