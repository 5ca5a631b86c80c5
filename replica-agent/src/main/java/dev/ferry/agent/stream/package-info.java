/**
 * The agent's side of the replication protocol: a Netty client that connects to the primary,
 * shakes hands, subscribes with the positions it holds, reconnects with backoff, and hands every
 * database's snapshots and changesets to that database's own apply thread.
 *
 * <p>{@link dev.ferry.agent.stream.ReplicationClient} owns the connection; {@link
 * dev.ferry.agent.stream.Replicas} owns the per-database apply threads and is what the local HTTP
 * API reads. docs/architecture.md ("The agent process") describes the threads, flow control, ack
 * durability and repair.
 */
package dev.ferry.agent.stream;
