package dev.ferry.primary.write;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox of the mutation and query APIs: decides, before a statement is compiled on the
 * writer or the query connection, whether it may run there. The principle: <em>a request may not
 * change the state of the server's shared connections, may not reach other files, and may not
 * control transactions.</em>
 *
 * <h2>Why not an authorizer</h2>
 * SQLite's own tool for this is {@code sqlite3_set_authorizer}, which sqlite-jdbc does not expose
 * (xerial/sqlite-jdbc#1429), and its native library exports no {@code sqlite3_*} symbol to call it
 * otherwise. The sandbox is therefore built from what SQLite does tell us:
 * <ol>
 *   <li><b>Compile-time facts.</b> The statement is compiled as {@code EXPLAIN <sql>} on a
 *       sacrificial <em>inspection</em> connection (read-only, same database file, same SQLite
 *       library, so no POSIX-lock hazard) and its program is judged by {@link ProgramRules}.
 *       EXPLAIN lists the programs of the triggers the statement fires too.</li>
 *   <li><b>Pragmas that act while compiled.</b> Many pragmas (writable_schema, synchronous,
 *       locking_mode, busy_timeout, and the process-wide soft_heap_limit, hard_heap_limit and
 *       temp_store_directory) take effect when the statement is <em>prepared</em>, so even
 *       compiling them is running them. A PRAGMA statement is therefore compiled only if its name is
 *       on {@link #COMPILABLE_PRAGMAS}, pragmas known to do nothing at compile time; everything else
 *       is refused unread. An unreadable name is refused (fail closed).</li>
 *   <li><b>A settings fingerprint.</b> After compiling a PRAGMA (the only kind of statement that
 *       acts while compiled), the inspection connection's settings are read again; if anything
 *       changed, the statement is refused and the inspection connection replaced. With the pragma
 *       list above this should never trigger; it is the net under it. It is not run for other
 *       statements because it costs about 0.2–0.3 ms (each table-valued pragma function prepares
 *       a statement internally), ten times the EXPLAIN itself.</li>
 *   <li><b>Run-time guards</b> on the real connections (set where they are opened): no attached
 *       databases ({@code SQLITE_LIMIT_ATTACHED} = 0), no extension loading, {@code
 *       trusted_schema=OFF} (so triggers and views cannot use pragma table-valued functions,
 *       {@code load_extension} or other functions not marked innocuous), and the query connection
 *       read-only and {@code query_only}.</li>
 * </ol>
 *
 * <h2>Statements that depend on the same request</h2>
 * The inspection connection sees only committed schema. A statement that uses a table created
 * earlier in the same request does not compile there; for the writer it is then compiled as
 * EXPLAIN on the writer's own connection (which sees the request's uncommitted schema). That is
 * safe because only a PRAGMA can act while compiled, and a PRAGMA has passed the name check and
 * compiles on the inspection connection whatever the schema.
 *
 * <h2>Verdict cache</h2>
 * Allowed statements (up to {@value #CACHED_SQL_CHARS} characters of SQL) are remembered in an
 * LRU of {@value #CACHE_ENTRIES} entries, so a repeated statement costs one map lookup. A verdict
 * does not depend on the schema: what a trigger created later may do at run time is bounded by
 * {@code trusted_schema=OFF} and by what trigger bodies can express (no PRAGMA, ATTACH, BEGIN or
 * VACUUM; no temp triggers, which the rules refuse to create).
 *
 * <p>A catalog shares one cache among the guards of all its databases ({@link Verdicts}), so the
 * cache outlives a database's close and reopen.
 *
 * <p>Thread-safe: the writer thread and the query threads share one guard per database.
 */
public final class StatementGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatementGuard.class);
    static final int CACHE_ENTRIES = 1024;
    static final int CACHED_SQL_CHARS = 4096;
    private static final int SQLITE_ERROR = 1;

    /**
     * Pragmas that do nothing while compiled: they read, or they write the database through
     * opcodes that {@link ProgramRules} judges (journal_mode, wal_checkpoint, schema_version).
     */
    static final Set<String> COMPILABLE_PRAGMAS = Set.of("application_id", "user_version", "schema_version",
            "data_version", "page_count", "freelist_count", "journal_mode", "wal_checkpoint",
            "integrity_check", "quick_check", "foreign_key_check", "foreign_key_list", "table_info",
            "table_xinfo", "table_list", "index_info", "index_list", "index_xinfo", "collation_list",
            "function_list", "module_list", "pragma_list", "compile_options", "database_list",
            "incremental_vacuum");

    /** One query over the settings a compile could change (table-valued pragma functions). */
    private static final String FINGERPRINT = "SELECT * FROM pragma_busy_timeout, pragma_locking_mode,"
            + " pragma_writable_schema, pragma_query_only, pragma_trusted_schema, pragma_synchronous,"
            + " pragma_cache_size, pragma_foreign_keys, pragma_recursive_triggers, pragma_soft_heap_limit,"
            + " pragma_hard_heap_limit, pragma_threads, pragma_temp_store, pragma_secure_delete,"
            + " pragma_automatic_index, pragma_ignore_check_constraints, pragma_defer_foreign_keys";

    private final Callable<Connection> opener;
    private final Verdicts allowed;
    private final boolean ownsVerdicts;
    private Connection inspection;
    private String fingerprint;

    /**
     * The verdict cache: SQL texts found allowed, an LRU of {@link #CACHE_ENTRIES}. One may be
     * shared by the guards of every database of a catalog: a verdict does not depend on the
     * schema (class notes, "Verdict cache"), so it does not depend on which database's schema it
     * was compiled against either. Sharing it is what lets a database that was closed and reopened
     * run its usual statements without opening an inspection connection again. Thread-safe.
     */
    public static final class Verdicts {
        private final Map<String, Boolean> lru = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > CACHE_ENTRIES;
            }
        };

        /** True if {@code sql} was found allowed; a hit moves it to the young end of the LRU order. */
        synchronized boolean allows(String sql) {
            return lru.get(sql) != null;
        }

        synchronized void allow(String sql) {
            lru.put(sql, Boolean.TRUE);
        }

        synchronized int size() {
            return lru.size();
        }

        synchronized boolean containsKey(String sql) {
            return lru.containsKey(sql);
        }

        synchronized void clear() {
            lru.clear();
        }
    }

    /** {@code opener} opens a read-only connection to the database, used only to compile. */
    public StatementGuard(Callable<Connection> opener) {
        this.opener = opener;
        this.allowed = new Verdicts();
        this.ownsVerdicts = true;
    }

    /** As above, with a verdict cache shared with other guards (see {@link Verdicts}). */
    public StatementGuard(Callable<Connection> opener, Verdicts shared) {
        this.opener = opener;
        this.allowed = shared;
        this.ownsVerdicts = false;
    }

    /**
     * Returns normally if {@code sql} may run; throws {@link StatementRefusedException} if the
     * sandbox refuses it, or the SQLException of compiling it if it does not compile.
     *
     * @param sameRequest the connection that will run the statement, to compile it on when it
     *                    depends on uncommitted schema (the writer's); null to never do so
     */
    public void check(String sql, Connection sameRequest) throws SQLException {
        // The common case, a statement text seen before, takes only the cache's short lock, not
        // this guard's: the writer and the query threads of a database do not wait on each other.
        if (allowed.allows(sql)) {
            return;
        }
        synchronized (this) {
            inspect(sql, sameRequest);
        }
    }

    private void inspect(String sql, Connection sameRequest) throws SQLException {
        String pragma = SqlText.pragmaName(sql);
        if (pragma != null && !COMPILABLE_PRAGMAS.contains(pragma)) {
            throw new StatementRefusedException("PRAGMA " + (pragma.isEmpty() ? "(unreadable name)" : pragma)
                    + " is not allowed: it would change the server's shared connection or act outside the database");
        }
        List<ProgramRules.Op> program;
        try {
            program = explain(inspection(), sql);
        } catch (SQLException e) {
            if (sameRequest == null || (e.getErrorCode() & 0xff) != SQLITE_ERROR) {
                throw e;
            }
            program = explain(sameRequest, sql);
        } finally {
            if (pragma != null) {
                checkFingerprint(sql);
            }
        }
        String reason = ProgramRules.refusal(program);
        if (reason != null) {
            throw new StatementRefusedException(reason);
        }
        if (sql.length() <= CACHED_SQL_CHARS) {
            allowed.allow(sql);
        }
    }

    private static List<ProgramRules.Op> explain(Connection connection, String sql) throws SQLException {
        List<ProgramRules.Op> program = new ArrayList<>();
        try (java.sql.Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                program.add(new ProgramRules.Op(rs.getString("opcode"), rs.getLong("p1"), rs.getLong("p2"),
                        rs.getLong("p3"), rs.getString("p4"), rs.getLong("p5")));
            }
        }
        return program;
    }

    private Connection inspection() throws SQLException {
        if (inspection == null) {
            try {
                inspection = opener.call();
            } catch (SQLException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException("open the inspection connection: " + e.getMessage(), e);
            }
            fingerprint = fingerprint(inspection);
        }
        return inspection;
    }

    /** Refuses the statement if compiling it changed a setting; the connection is then replaced. */
    private void checkFingerprint(String sql) throws SQLException {
        if (inspection == null) {
            return;
        }
        String now;
        try {
            now = fingerprint(inspection);
        } catch (SQLException e) {
            now = "unreadable: " + e.getMessage();
        }
        if (!now.equals(fingerprint)) {
            log.warn("compiling a statement changed the inspection connection's settings ({} -> {}); replacing it."
                    + " Statement: {}", fingerprint, now, sql.length() > 200 ? sql.substring(0, 200) + "…" : sql);
            closeInspection();
            throw new StatementRefusedException("the statement changes a connection setting");
        }
    }

    static String fingerprint(Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery(FINGERPRINT)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    b.append(rs.getString(i)).append('|');
                }
            }
        }
        return b.toString();
    }

    private void closeInspection() {
        if (inspection != null) {
            try {
                inspection.close();
            } catch (SQLException e) {
                log.warn("close inspection connection: {}", e.getMessage());
            }
            inspection = null;
        }
    }

    synchronized int cachedVerdicts() {
        return allowed.size();
    }

    synchronized boolean isCached(String sql) {
        return allowed.containsKey(sql);
    }

    @Override
    public synchronized void close() {
        closeInspection();
        if (ownsVerdicts) {
            allowed.clear();
        }
    }
}
