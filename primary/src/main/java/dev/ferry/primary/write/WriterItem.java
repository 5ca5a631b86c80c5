package dev.ferry.primary.write;

/** What the writer's queue holds: a request to commit (statements or Java work), or a task to run between commits. */
sealed interface WriterItem permits WriteRequest, WorkRequest, WriterTask {}
