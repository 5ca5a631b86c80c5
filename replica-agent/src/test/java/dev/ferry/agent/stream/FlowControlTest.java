package dev.ferry.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class FlowControlTest {
    @Test
    void queued_aboveHighWater_stopsReadingUntilHalfIsTaken() {
        EmbeddedChannel ch = new EmbeddedChannel();
        FlowControl flow = new FlowControl(100);
        flow.attach(ch);
        flow.queued(60);
        assertTrue(ch.config().isAutoRead());
        flow.queued(41);
        assertFalse(ch.config().isAutoRead(), "101 bytes queued, above 100");
        flow.taken(50);
        assertFalse(ch.config().isAutoRead(), "51 bytes queued, above the low water mark 50");
        flow.taken(1);
        assertTrue(ch.config().isAutoRead());
        assertEquals(50, flow.queuedBytes());
        ch.finishAndReleaseAll();
    }

    @Test
    void attach_whileAboveHighWater_newConnectionStartsPaused() {
        FlowControl flow = new FlowControl(10);
        flow.queued(11);
        EmbeddedChannel ch = new EmbeddedChannel();
        flow.attach(ch);
        assertFalse(ch.config().isAutoRead());
        flow.taken(11);
        assertTrue(ch.config().isAutoRead());
        ch.finishAndReleaseAll();
    }
}
