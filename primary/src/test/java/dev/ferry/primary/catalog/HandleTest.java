package dev.ferry.primary.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lease state machine of {@link Handle}, one transition per test (the database is not used). */
class HandleTest {
    private final Handle handle = new Handle(null, 0);

    @Test
    void tryRetire_noLease_retiresAndRefusesLaterAcquires() {
        assertTrue(handle.tryRetire());
        assertFalse(handle.tryAcquire());
        assertFalse(handle.idle());
    }

    @Test
    void tryRetire_leaseHeld_failsAndHandleStaysOpen() {
        assertTrue(handle.tryAcquire());
        assertFalse(handle.tryRetire());
        assertTrue(handle.tryAcquire());
        assertEquals(2, handle.leases());
    }

    @Test
    void release_lastLease_idleAgainWithUseTimeRecorded() {
        handle.tryAcquire();
        handle.release(42);
        assertTrue(handle.idle());
        assertEquals(42, handle.lastUsedNanos());
        assertTrue(handle.tryRetire());
    }

    @Test
    void retireNow_leaseHeld_retiresAndLateReleaseKeepsItRetired() {
        handle.tryAcquire();
        handle.retireNow();
        handle.release(7);
        assertFalse(handle.tryAcquire());
        assertFalse(handle.tryRetire());
        assertEquals(0, handle.leases());
    }

    @Test
    void acquireAndRetire_raceFromManyThreads_neverBothSucceed() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            Handle h = new Handle(null, 0);
            boolean[] acquired = new boolean[1];
            Thread user = new Thread(() -> acquired[0] = h.tryAcquire());
            user.start();
            boolean retired = h.tryRetire();
            user.join();
            assertTrue(acquired[0] ^ retired, "round " + round + ": acquired " + acquired[0] + ", retired " + retired);
        }
    }
}
