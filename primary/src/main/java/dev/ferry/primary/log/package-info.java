/** The replication log: durable changesets by txid in segment files, with rebuildable indexes. */
package dev.ferry.primary.log;
