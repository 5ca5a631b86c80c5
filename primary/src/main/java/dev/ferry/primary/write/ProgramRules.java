package dev.ferry.primary.write;

import java.util.List;
import java.util.Set;

/**
 * The sandbox's verdict on a compiled statement: reads the VDBE program that {@code EXPLAIN}
 * prints (one row per opcode, trigger sub-programs included) and names the first thing the
 * statement may not do. Stateless.
 *
 * <p>Each rule is an opcode fact, checked against SQLite 3.53 (sqlite-jdbc 3.53.4.0) by
 * {@code ProgramRulesTest}; docs/http-api.md, "The sandbox", lists them with the statements that
 * produce them:
 * <ol>
 *   <li>{@code AutoCommit}: BEGIN, COMMIT, END, ROLLBACK;</li>
 *   <li>{@code Savepoint}: SAVEPOINT, RELEASE, ROLLBACK TO;</li>
 *   <li>{@code JournalMode} with P3 ≠ −1: a journal-mode change (P3 = −1 only reads it);</li>
 *   <li>{@code Checkpoint}: {@code PRAGMA wal_checkpoint};</li>
 *   <li>{@code Vacuum} with P2 ≠ 0: {@code VACUUM INTO} (a plain VACUUM has P2 = 0);</li>
 *   <li>{@code Function} calling {@code sqlite_attach} or {@code sqlite_detach}: ATTACH, DETACH;</li>
 *   <li>{@code SetCookie} of the schema version (P2 = 1) with P5 ≠ 0: {@code PRAGMA
 *       schema_version = N} (DDL bumps the same cookie with P5 = 0);</li>
 *   <li>{@code Transaction} or {@code OpenWrite} on database 1 for writing, or on any database
 *       index ≥ 2: temp objects (they would live on a shared connection and vanish on restart)
 *       and attached databases;</li>
 *   <li>a program that has an {@code Expire} and otherwise only loads constants and returns them:
 *       a PRAGMA that sets or reports a connection setting. Its effect happened when it was
 *       compiled, so it can only be refused.</li>
 * </ol>
 */
final class ProgramRules {
    private ProgramRules() {}

    /** One row of EXPLAIN output. */
    record Op(String opcode, long p1, long p2, long p3, String p4, long p5) {}

    /** Opcodes of a program that only loads constants and returns them, besides bookkeeping. */
    private static final Set<String> SETTINGS_ONLY = Set.of("Init", "Goto", "Halt", "Expire", "Noop",
            "Transaction", "TableLock", "Integer", "Int64", "String8", "Real", "Null", "ResultRow");

    /** Why the program may not run, or null if it may. */
    static String refusal(List<Op> program) {
        boolean expire = false;
        boolean settingsOnly = true;
        for (Op op : program) {
            String reason = refusal(op);
            if (reason != null) {
                return reason;
            }
            expire |= op.opcode().equals("Expire");
            settingsOnly &= SETTINGS_ONLY.contains(op.opcode());
        }
        if (expire && settingsOnly) {
            return "the statement only sets or reports a connection setting (a PRAGMA of the server's shared"
                    + " connection); use the table-valued form, e.g. SELECT * FROM pragma_table_info('t')";
        }
        return null;
    }

    private static String refusal(Op op) {
        switch (op.opcode()) {
            case "AutoCommit":
            case "Savepoint":
                return "the statement controls the transaction (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE);"
                        + " the server runs each request as one transaction";
            case "JournalMode":
                return op.p3() == -1 ? null : "the statement changes the journal mode";
            case "Checkpoint":
                return "the statement runs a checkpoint; only the server checkpoints";
            case "Vacuum":
                return op.p2() == 0 ? null : "VACUUM INTO writes another file";
            case "Function":
            case "PureFunc":
                String f = op.p4() == null ? "" : op.p4();
                return f.startsWith("sqlite_attach(") || f.startsWith("sqlite_detach(")
                        ? "the statement attaches or detaches a database (ATTACH, DETACH)" : null;
            case "SetCookie":
                return op.p2() == 1 && op.p5() != 0 ? "the statement sets the schema version" : null;
            case "Transaction":
                return database(op.p1(), op.p2() != 0);
            case "OpenWrite":
                return database(op.p3(), true);
            default:
                return null;
        }
    }

    private static String database(long index, boolean write) {
        if (index >= 2) {
            return "the statement reaches an attached database";
        }
        if (index == 1 && write) {
            return "the statement writes to the temp database (temp objects would live on a shared server"
                    + " connection and vanish on restart)";
        }
        return null;
    }
}
