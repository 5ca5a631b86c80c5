package dev.ferry.primary.write;

import java.util.List;
import java.util.Map;

/**
 * One SQL statement with its parameters, as a request carries it. A statement has positional
 * parameters or named ones, never both.
 *
 * <p>Parameter values are {@code null}, {@link Long}, {@link Double}, {@link String},
 * {@code byte[]} (a blob) or {@link Boolean} (bound as 1 or 0). Named parameter keys are given
 * without their prefix character ({@code :a}, {@code @a} and {@code $a} all bind key {@code a}).
 */
public record Statement(String sql, List<Object> positional, Map<String, Object> named) {
    public Statement {
        if (sql == null) {
            throw new IllegalArgumentException("statement SQL is null");
        }
        positional = positional == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(positional));
        named = named == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(named));
        if (!positional.isEmpty() && !named.isEmpty()) {
            throw new IllegalArgumentException("a statement takes positional or named parameters, not both");
        }
    }

    public static Statement of(String sql) {
        return new Statement(sql, List.of(), Map.of());
    }
}
