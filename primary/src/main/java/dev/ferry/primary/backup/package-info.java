/** Rebuilding databases from the replication log; later, backups and point-in-time restore. */
package dev.ferry.primary.backup;
