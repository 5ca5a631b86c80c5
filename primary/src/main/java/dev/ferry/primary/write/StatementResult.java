package dev.ferry.primary.write;

/** What one statement of an {@code execute} request did. */
public record StatementResult(long rowsAffected, long lastInsertId) {}
