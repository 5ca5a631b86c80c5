package dev.ferry.systemtest.harness;

/**
 * What a client learnt about one paired-insert request. {@code txid} is known only for
 * {@link Status#ACKNOWLEDGED}; times are {@link System#nanoTime()} readings in the test JVM.
 */
public record RequestOutcome(long req, int writer, int round, Status status, long txid, long sentNanos,
        long answeredNanos) {
    public enum Status {
        /** 200 with a txid: the write must survive anything. */
        ACKNOWLEDGED,
        /** Refused before it could run (connection refused, or 503 while shutting down): it must never appear. */
        NOT_APPLIED,
        /** The connection failed mid-request: it may or may not have committed, but never half, and never change its mind. */
        IN_DOUBT
    }

    @Override
    public String toString() {
        return "req " + req + " (writer " + writer + ", round " + round + ", " + status
                + (status == Status.ACKNOWLEDGED ? " txid " + txid : "") + ")";
    }
}
