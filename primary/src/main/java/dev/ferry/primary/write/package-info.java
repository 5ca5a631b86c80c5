/**
 * The per-database writer thread with group commit ({@link dev.ferry.primary.write.Writer}), and
 * the execution of requests' statements on the writer and the query connection
 * ({@link dev.ferry.primary.write.StatementRunner}): parameter binding, the one-statement rule
 * ({@link dev.ferry.primary.write.SqlText}), the sandbox ({@link dev.ferry.primary.write.StatementGuard},
 * {@link dev.ferry.primary.write.ProgramRules}, {@link dev.ferry.primary.write.SqliteGuards}) and
 * the request limits ({@link dev.ferry.primary.write.StatementLimits}). docs/http-api.md is the
 * contract these implement.
 */
package dev.ferry.primary.write;
