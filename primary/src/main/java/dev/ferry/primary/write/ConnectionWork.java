package dev.ferry.primary.write;

import java.sql.Connection;

/**
 * Java code that runs on a database's own connection: on the writer connection inside a request's
 * savepoint ({@link Writer#submitWork}), or on the read-only connection inside a read transaction.
 * It must not begin, commit or roll back a transaction itself, nor keep the connection.
 *
 * @param <T> what the work answers
 */
@FunctionalInterface
public interface ConnectionWork<T> {
    /**
     * Does the work. Any exception rolls back everything the work did (the savepoint of a write)
     * and becomes the failure of the request, unchanged.
     */
    T run(Connection connection) throws Exception;
}
