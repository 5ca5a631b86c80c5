/**
 * The agent's durable replica state beside each database file: the applied position
 * ({@code NAME.db-pos}) and the persisted per-page checksum array ({@code NAME.db-sums}).
 *
 * <p>The database file and its WAL are the source of truth; the checksum array is derived and is
 * repaired from the WAL on open. The position file is written only after the transaction it names
 * is durable.
 */
package dev.ferry.agent.state;
