package dev.ferry.primary.schema;

import java.util.List;

/** Every table, index, view and trigger of a database, each list sorted by name. */
public record DatabaseSchema(List<TableSchema> tables, List<IndexSchema> indexes, List<ViewSchema> views,
                             List<TriggerSchema> triggers) {}
