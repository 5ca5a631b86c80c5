/**
 * The replica apply engine: a pure-Java writer of SQLite's WAL and wal-index ({@code -shm}) that
 * applies each changeset as one WAL transaction while stock SQLite readers in other processes use
 * the same database, plus the PASSIVE checkpointer, wal-index recovery, bootstrap from a snapshot
 * and the lock discipline that keeps readers safe.
 *
 * <p>{@link dev.ferry.agent.apply.ReplicaDatabase} is the entry point. docs/architecture.md ("How the
 * agent writes under live readers") explains the formats, the lock order and every crash point.
 */
package dev.ferry.agent.apply;
