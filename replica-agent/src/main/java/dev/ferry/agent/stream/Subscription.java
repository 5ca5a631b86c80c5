package dev.ferry.agent.stream;

import dev.ferry.protocol.frame.GlobPattern;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the agent replicates: database names and globs, as given by {@code --db}.
 *
 * <p>Immutable and thread-safe.
 */
public record Subscription(List<String> patterns) {
    /** docs/protocol.md, "Limits": 1 … 255 characters of {@code [a-z0-9_-]}, {@code *} and {@code ?}. */
    private static final Pattern VALID = Pattern.compile("[a-z0-9_*?-]{1,255}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public Subscription {
        patterns = List.copyOf(patterns);
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("no database to replicate: give at least one name or pattern");
        }
        for (String p : patterns) {
            if (!VALID.matcher(p).matches()) {
                throw new IllegalArgumentException("'" + p + "' is not a database name or pattern: use 1 to 255"
                        + " characters of a-z, 0-9, '_', '-', and the wildcards '*' and '?'");
            }
            if (!GlobPattern.isGlob(p) && !NAME.matcher(p).matches()) {
                throw new IllegalArgumentException("'" + p + "' is not a database name ([a-z0-9][a-z0-9_-]{0,62})");
            }
        }
    }

    /** Whether {@code name} is a database name at all, {@code [a-z0-9][a-z0-9_-]{0,62}}. */
    static boolean isDatabaseName(String name) {
        return NAME.matcher(name).matches();
    }

    boolean matches(String db) {
        return patterns.stream().anyMatch(p -> GlobPattern.matches(p, db));
    }

    /** The patterns with wildcards: their databases are known only once the primary lists them. */
    List<String> globs() {
        return patterns.stream().filter(GlobPattern::isGlob).toList();
    }

    /** The patterns without wildcards: databases that must exist on the primary. */
    List<String> exactNames() {
        return patterns.stream().filter(p -> !GlobPattern.isGlob(p)).toList();
    }
}
