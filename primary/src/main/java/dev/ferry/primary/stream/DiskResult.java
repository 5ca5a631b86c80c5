package dev.ferry.primary.stream;

/**
 * The outcome of one piece of disk work (a log read, a snapshot chunk), produced on the stream
 * executor and consumed on the channel's event loop: exactly one of {@link #apply} or {@link
 * #discard} runs, and each releases whatever the result holds.
 *
 * <p>Not thread-safe: handed once from the stream executor to the event loop, then used there.
 */
interface DiskResult {
    /** On the event loop: writes what was read. */
    void apply();

    /** When the result can no longer be applied (session closed, event loop gone): releases it. */
    void discard();
}
