package dev.ferry.primary.catalog;

import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.QueryResult;
import dev.ferry.primary.write.Statement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The primary's databases. Work in progress: the public API is fixed, the storage engine behind it
 * is being built in this same change series.
 *
 * <p>Thread-safe. Methods that return futures never block the caller on SQLite or disk: the work
 * runs on the database's writer thread (execute) or reader executor (query), and the future
 * completes there. Futures fail with {@link UnknownDatabaseException},
 * {@link DatabaseUnavailableException}, {@link dev.ferry.primary.write.StatementFailedException}
 * or an {@link IOException}.
 */
public final class Catalog implements AutoCloseable {
    private Catalog() {}

    public static Catalog open(Path dataDir) throws IOException {
        throw new UnsupportedOperationException("storage engine not built yet");
    }

    public DatabaseInfo create(String name, CreateOptions options)
            throws InvalidDatabaseNameException, DatabaseExistsException, IOException {
        throw new UnsupportedOperationException("storage engine not built yet");
    }

    public List<DatabaseInfo> list() throws IOException {
        throw new UnsupportedOperationException("storage engine not built yet");
    }

    public DatabaseInfo info(String name)
            throws InvalidDatabaseNameException, UnknownDatabaseException, DatabaseUnavailableException, IOException {
        throw new UnsupportedOperationException("storage engine not built yet");
    }

    public void delete(String name) throws InvalidDatabaseNameException, UnknownDatabaseException, IOException {
        throw new UnsupportedOperationException("storage engine not built yet");
    }

    public CompletableFuture<ExecuteResult> execute(String name, List<Statement> statements) {
        throw new UnsupportedOperationException("storage engine not built yet");
    }

    public CompletableFuture<QueryResult> query(String name, Statement statement) {
        throw new UnsupportedOperationException("storage engine not built yet");
    }

    @Override
    public void close() {}
}
