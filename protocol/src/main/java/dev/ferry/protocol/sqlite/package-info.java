/** SQLite database-file and WAL format facts that both primary and agent rely on. */
package dev.ferry.protocol.sqlite;
