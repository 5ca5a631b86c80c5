package dev.ferry.agent.apply;

/** Outcome of {@link ReplicaDatabase#apply}. */
public enum ApplyResult {
    /** The changeset is now visible to readers and recorded as the position. */
    APPLIED,
    /** The replica already holds this transaction (a redelivery); nothing was written. */
    ALREADY_APPLIED
}
