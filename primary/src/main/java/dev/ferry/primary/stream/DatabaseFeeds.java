package dev.ferry.primary.stream;

import dev.ferry.primary.catalog.CatalogListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans committed changesets out to the subscriptions of each database, and database creates and
 * deletes out to the sessions.
 *
 * <h2>One buffer per commit</h2>
 * {@link #committed} runs on the database's writer thread right after the log fsync. It wraps the
 * encoded bytes once, without copying, in a {@link ByteBuf}, retains it once per subscriber and
 * hands it to the subscriber's event loop; every subscriber's CHANGESET frames are slices of that
 * one buffer ({@link dev.ferry.protocol.frame.ChangesetChunker}). It never blocks and never waits
 * on a subscriber: a subscriber that cannot take the changeset drops its reference and later reads
 * it from the log.
 *
 * <h2>Published txid</h2>
 * Each feed keeps the highest txid known durable in the log ({@link Feed#published()}), set
 * <em>before</em> the changeset is handed to any subscriber. Catch-up reads the log only up to it,
 * and the live/catch-up handover relies on that order (see {@link Subscription}).
 *
 * <p>Thread-safe.
 */
final class DatabaseFeeds implements CatalogListener {
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    private final Set<Session> sessions = new CopyOnWriteArraySet<>();
    private final ReplicationMetrics metrics;

    DatabaseFeeds(ReplicationMetrics metrics) {
        this.metrics = metrics;
    }

    /** One database's subscribers and published txid. Thread-safe. */
    static final class Feed {
        private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
        private final AtomicLong published = new AtomicLong();

        /** The highest txid durable in the log that this feed has heard of. */
        long published() {
            return published.get();
        }

        /** Raises the published txid to {@code txid} if it is higher. */
        void observe(long txid) {
            published.accumulateAndGet(txid, Math::max);
        }
    }

    Feed feed(String db) {
        return feeds.computeIfAbsent(db, k -> new Feed());
    }

    /** The published txid of {@code db}; 0 when nothing is known of it. */
    long published(String db) {
        Feed feed = feeds.get(db);
        return feed == null ? 0 : feed.published();
    }

    /** Raises the published txid of {@code db} (from the catalog's durable position) and its gauge. */
    void observe(String db, long txid) {
        Feed feed = feed(db);
        feed.observe(txid);
        metrics.databaseTxid(db, feed);
    }

    void addSession(Session session) {
        sessions.add(session);
    }

    void removeSession(Session session) {
        sessions.remove(session);
    }

    /** Starts offering live changesets of {@code subscription.db} to it; returns its feed. */
    Feed attach(Subscription subscription) {
        Feed feed = feed(subscription.db());
        feed.subscribers.add(subscription);
        return feed;
    }

    void detach(Subscription subscription) {
        Feed feed = feeds.get(subscription.db());
        if (feed != null) {
            feed.subscribers.remove(subscription);
        }
    }

    /**
     * Wraps {@code encoded} once and offers it to every subscriber of {@code name}. Each offer
     * owns one reference; this method releases its own before returning.
     */
    @Override
    public void committed(String name, long txid, long timestampMs, byte[] encoded) {
        Feed feed = feed(name);
        // Published before any subscriber hears of txid: the handover in Subscription needs it.
        feed.observe(txid);
        metrics.databaseTxid(name, feed);
        List<Subscription> subscribers = feed.subscribers;
        if (subscribers.isEmpty()) {
            return;
        }
        ByteBuf shared = Unpooled.wrappedBuffer(encoded);
        try {
            for (Subscription subscription : subscribers) {
                subscription.offerLive(txid, shared.retain());
            }
        } finally {
            shared.release();
        }
    }

    @Override
    public void databaseCreated(String name) {
        for (Session session : sessions) {
            session.execute(() -> session.databaseCreated(name), () -> {});
        }
    }

    /** Forgets the database (a new one of the same name starts from txid 1) and tells its subscribers. */
    @Override
    public void databaseDeleted(String name) {
        Feed feed = feeds.remove(name);
        metrics.forgetDatabase(name);
        if (feed == null) {
            return;
        }
        for (Subscription subscription : feed.subscribers) {
            subscription.databaseDeleted();
        }
    }
}
