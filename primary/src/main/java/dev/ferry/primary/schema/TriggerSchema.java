package dev.ferry.primary.schema;

/** A trigger: its name, the table or view it fires on, and its CREATE TRIGGER statement. */
public record TriggerSchema(String name, String table, String sql) {}
