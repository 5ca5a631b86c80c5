package dev.ferry.primary.stream;

/**
 * One agent's replica of one database, as {@code GET /v1/databases/{db}} lists it. Immutable.
 *
 * @param agentId the agent's id from HELLO
 * @param appliedTxid the last txid the agent acknowledged as durable; 0 before its first ACK
 * @param lagTxids transactions the primary has and the agent has not acknowledged
 * @param lagMs now minus the commit time of the oldest transaction not acknowledged; 0 when caught
 *     up, -1 when the log cannot tell (the transaction is no longer in it)
 * @param connected whether a connection of this agent streams the database now
 */
public record ReplicaStatus(String agentId, long appliedTxid, long lagTxids, long lagMs, boolean connected) {}
