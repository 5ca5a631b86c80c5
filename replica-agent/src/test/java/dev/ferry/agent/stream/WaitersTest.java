package dev.ferry.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.agent.state.Position;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WaitersTest {
    private static final Position AT_5 = new Position(5, 0x8000_0000_0000_0005L);
    private static final Position AT_7 = new Position(7, 0x8000_0000_0000_0007L);

    @Test
    void await_alreadyReached_completesAtOnce() {
        Waiters w = new Waiters();
        assertEquals(AT_5, w.await(5, () -> AT_5).join());
        assertEquals(AT_5, w.await(0, () -> AT_5).join());
    }

    @Test
    void await_notYetBootstrapped_waits() {
        Waiters w = new Waiters();
        CompletableFuture<Position> f = w.await(1, () -> null);
        assertFalse(f.isDone());
        w.reached(AT_5);
        assertEquals(AT_5, f.join());
    }

    @Test
    void reached_completesOnlyTheWaitersItSatisfies() {
        Waiters w = new Waiters();
        CompletableFuture<Position> six = w.await(6, () -> AT_5);
        CompletableFuture<Position> seven = w.await(7, () -> AT_5);
        CompletableFuture<Position> eight = w.await(8, () -> AT_5);
        w.reached(AT_7);
        assertEquals(AT_7, six.join());
        assertEquals(AT_7, seven.join());
        assertFalse(eight.isDone());
    }

    @Test
    void purgeDone_forgetsCancelledWaiters() {
        Waiters w = new Waiters();
        CompletableFuture<Position> f = w.await(9, () -> AT_5);
        assertTrue(f.cancel(false));
        w.purgeDone();
        w.reached(new Position(9, 0x8000_0000_0000_0009L));
        assertTrue(f.isCancelled());
    }
}
