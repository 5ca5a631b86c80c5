package dev.ferry.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final long SEED = 42;

    @Test
    void nextDelayMs_doublesWithinTheUpperHalfUntilTheCap() {
        Backoff b = new Backoff(100, 1_000, new Random(SEED));
        long[] steps = {100, 200, 400, 800, 1_000, 1_000};
        for (long step : steps) {
            long d = b.nextDelayMs();
            assertTrue(d >= step / 2 && d <= step, "delay " + d + " for step " + step + " (seed " + SEED + ")");
        }
    }

    @Test
    void reset_startsAgainFromTheMinimum() {
        Backoff b = new Backoff(100, 10_000, new Random(SEED));
        for (int i = 0; i < 10; i++) {
            b.nextDelayMs();
        }
        b.reset();
        assertTrue(b.nextDelayMs() <= 100);
    }

    @Test
    void nextDelayMs_manyAttempts_neverOverflows() {
        Backoff b = new Backoff(1, 5, new Random(SEED));
        for (int i = 0; i < 100; i++) {
            assertTrue(b.nextDelayMs() <= 5);
        }
    }

    @Test
    void constructor_minAboveMax_throwsNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5, new Random()));
        assertEquals("backoff minMs 10 and maxMs 5 must satisfy 1 <= minMs <= maxMs", e.getMessage());
    }
}
