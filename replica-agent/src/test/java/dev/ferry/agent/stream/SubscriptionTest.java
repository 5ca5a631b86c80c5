package dev.ferry.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionTest {
    @Test
    void matches_namesAndGlobs() {
        Subscription s = new Subscription(List.of("orders", "tenant-*", "shard-?"));
        assertTrue(s.matches("orders"));
        assertTrue(s.matches("tenant-"));
        assertTrue(s.matches("tenant-42"));
        assertTrue(s.matches("shard-1"));
        assertFalse(s.matches("shard-12"));
        assertFalse(s.matches("orders2"));
        assertEquals(List.of("orders"), s.exactNames());
    }

    @Test
    void constructor_rejectsEmptyUpperCaseAndPathTricks() {
        assertThrows(IllegalArgumentException.class, () -> new Subscription(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Subscription(List.of("Orders")));
        assertThrows(IllegalArgumentException.class, () -> new Subscription(List.of("../etc")));
        assertThrows(IllegalArgumentException.class, () -> new Subscription(List.of("-leading-dash")));
        assertThrows(IllegalArgumentException.class, () -> new Subscription(List.of("x".repeat(64))));
    }
}
