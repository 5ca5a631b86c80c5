package dev.ferry.agent.stream;

import java.util.Random;

/**
 * Reconnect delays: exponential from {@code minMs}, capped at {@code maxMs}, each drawn uniformly
 * from the upper half of its step ("equal jitter"), so agents that lost the same primary at the same
 * moment do not all come back at once, while none retries sooner than half a step.
 *
 * <p>Not thread-safe: the client's event loop uses it.
 */
final class Backoff {
    private final long minMs;
    private final long maxMs;
    private final Random random;
    private int attempts;

    Backoff(long minMs, long maxMs, Random random) {
        if (minMs < 1 || maxMs < minMs) {
            throw new IllegalArgumentException("backoff minMs " + minMs + " and maxMs " + maxMs
                    + " must satisfy 1 <= minMs <= maxMs");
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.random = random;
    }

    /** The delay before the next attempt; each call doubles the step until {@code maxMs}. */
    long nextDelayMs() {
        long step = Math.min(maxMs, minMs << Math.min(attempts, 30));
        attempts++;
        long half = step / 2;
        return half + (long) (random.nextDouble() * (step - half + 1));
    }

    /** After a connection that stayed up: start again from {@code minMs}. */
    void reset() {
        attempts = 0;
    }
}
