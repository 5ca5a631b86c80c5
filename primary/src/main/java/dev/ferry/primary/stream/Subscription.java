package dev.ferry.primary.stream;

import dev.ferry.primary.catalog.DatabaseInfo;
import dev.ferry.primary.catalog.UnknownDatabaseException;
import dev.ferry.protocol.frame.ChangesetChunker;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database streamed to one session: resolved against the resume table, then snapshotted or
 * streamed from its next txid, live or from the log.
 *
 * <h2>States</h2>
 * RESOLVING (opening the log, deciding) → SNAPSHOT (optional) → STREAMING → CLOSED. The disk work
 * of each state is one {@link #step()} at a time, scheduled by the session only while its channel
 * is writable.
 *
 * <h2>Live and catch-up without gaps or duplicates</h2>
 * A changeset reaches the subscriber two ways: live ({@link #offerLive}, the shared bytes of a
 * commit) and from the log ({@link CatchUpBatch}). Both are applied only on the event loop, and by
 * one rule: <b>a changeset is written if and only if its txid is {@code nextTxid}</b>, which then
 * advances by one. So no txid is written twice, and none is skipped. A live changeset that cannot
 * be written (channel not writable, or the subscriber is behind) is released, and the subscription
 * asks for a catch-up read instead.
 *
 * <p>Why nothing is left behind: the subscription is attached to its feed before it resolves. For
 * every txid {@code T}, {@link DatabaseFeeds#committed} raises the feed's published txid to {@code
 * T} <em>before</em> enqueueing the live offer of {@code T} on this event loop. So when the event
 * loop finds {@code nextTxid > published}, the offers of every later txid are still to come, in
 * txid order (one drain of the database's writer at a time, each ordered before the next and a
 * closed handle's last drain before the reopened handle's first; FIFO event loop); and when it finds {@code nextTxid
 * <= published}, {@link #needsDisk()} is true and the session schedules a log read of {@code
 * nextTxid … published}. Either the live offer of {@code nextTxid} or a log read supplies it, and
 * whichever comes second finds its txid below {@code nextTxid} and is dropped. The "switch back to
 * live" is therefore not a separate step that could race: once a log read leaves {@code nextTxid
 * > published}, the next live offer matches {@code nextTxid} and is written directly.
 *
 * <h2>Memory</h2>
 * A subscription holds at most one live reference while an offer is being handled, and one disk
 * result while a step is in flight (the session runs one step at a time). Nothing accumulates while
 * the channel is not writable: offers are released and only {@code nextTxid} is remembered.
 *
 * <p>Not thread-safe: confined to the session's event loop, except {@link #offerLive} and {@link
 * #databaseDeleted}, which only enqueue onto it, and {@link #step()}'s executor half, which reads
 * values captured on the event loop.
 */
final class Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);
    private static final long NOT_STREAMING = -1;

    enum State { RESOLVING, SNAPSHOT, STREAMING, CLOSED }

    private final Session session;
    private final String db;
    private final DatabasePosition held;
    private final StreamContext ctx;
    private DatabaseFeeds.Feed feed;
    private State state = State.RESOLVING;
    private SnapshotSender snapshot;
    /** While a snapshot is open: the periodic check that it still makes progress. */
    private ScheduledFuture<?> stallCheck;
    private long nextTxid = NOT_STREAMING;
    /** Whether the session's disk queue holds this subscription (managed by the session). */
    boolean queued;

    Subscription(Session session, String db, DatabasePosition held, StreamContext ctx) {
        this.session = session;
        this.db = db;
        this.held = held;
        this.ctx = ctx;
    }

    String db() {
        return db;
    }

    State state() {
        return state;
    }

    /** Attaches to the feed; from now on every commit of {@code db} is offered. Event loop. */
    void start() {
        feed = ctx.feeds().attach(this);
    }

    /**
     * Writer thread: hands one reference to {@code encoded}, the shared bytes of {@code txid}, to the
     * event loop. Takes ownership of that reference.
     */
    void offerLive(long txid, ByteBuf encoded) {
        session.execute(() -> {
            try {
                onLive(txid, encoded);
            } finally {
                encoded.release();
            }
        }, encoded::release);
    }

    /** Event loop. Does not take ownership of {@code encoded}. */
    private void onLive(long txid, ByteBuf encoded) {
        if (state != State.STREAMING || txid < nextTxid) {
            return;
        }
        if (txid == nextTxid && session.channel().isWritable()) {
            write(txid, encoded);
            session.channel().flush();
        } else {
            // Behind (a gap) or not writable: drop the shared bytes, read them from the log later.
            session.queue(this);
        }
    }

    /** Writer or deleting thread: the database is gone. */
    void databaseDeleted() {
        session.execute(() -> session.removed(this), () -> {});
    }

    /** Whether a {@link #step()} has work to do. Event loop. */
    boolean needsDisk() {
        return switch (state) {
            case RESOLVING, SNAPSHOT -> true;
            case STREAMING -> nextTxid <= feed.published();
            case CLOSED -> false;
        };
    }

    /** Whether a snapshot is being sent: the session keeps it first in line until it ends. */
    boolean snapshotting() {
        return state == State.SNAPSHOT;
    }

    /**
     * Event loop: starts the disk work of the current state on the stream executor. The future
     * completes off the event loop; the session applies or discards its result on the event loop.
     */
    CompletableFuture<DiskResult> step() {
        return switch (state) {
            case RESOLVING -> resolve();
            case SNAPSHOT -> snapshot == null ? openSnapshot() : readChunk(snapshot, snapshot.nextPgno());
            case STREAMING -> catchUp(nextTxid, feed.published());
            case CLOSED -> CompletableFuture.completedFuture(noop());
        };
    }

    /**
     * Leases the database only for the decision: a subscription holds no open handle while it
     * streams live (commits reach it through the feed, whichever handle is open), so subscribing
     * thousands of databases does not hold thousands open. Each catch-up step leases it again,
     * reopening it if it was closed meanwhile.
     */
    private CompletableFuture<DiskResult> resolve() {
        return ctx.catalog().leaseLog(db).thenApplyAsync(lease -> {
            try (lease) {
                DatabaseInfo info = lease.info();
                ctx.feeds().observe(db, info.txid());
                ResumeDecision decision = ResumeDecision.decide(held, info.txid(), info.checksum(), lease.reader());
                return (DiskResult) new Applied(() -> resolved(decision, info));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, ctx.diskExecutor());
    }

    private void resolved(ResumeDecision decision, DatabaseInfo info) {
        ctx.tracker().subscribed(session.agentId(), db, ctx.catalog().logReaderIfOpen(db));
        LOG.info("agent {} subscribes {} holding {}: resume row {}, {}", session.agentId(), db,
                held == null ? "nothing" : held, decision.row(),
                decision.snapshot() ? "snapshot" : "changesets from txid " + decision.fromTxid()
                        + " (primary at " + info.txid() + ")");
        if (decision.snapshot()) {
            state = State.SNAPSHOT;
        } else {
            nextTxid = decision.fromTxid();
            state = State.STREAMING;
        }
    }

    private CompletableFuture<DiskResult> openSnapshot() {
        return ctx.catalog().snapshot(db).thenApply(taken -> new DiskResult() {
            @Override
            public void apply() {
                snapshot = new SnapshotSender(taken, session.agentId());
                long stallMs = ctx.settings().snapshotStallMs();
                stallCheck = session.channel().eventLoop().scheduleAtFixedRate(() -> checkStall(stallMs), stallMs, stallMs,
                        TimeUnit.MILLISECONDS);
                ctx.metrics().snapshotStarted();
                session.channel().writeAndFlush(snapshot.begin(), session.channel().voidPromise());
            }

            @Override
            public void discard() {
                taken.close();
            }
        });
    }

    /** The chunk from {@code firstPgno}; the one that completes the snapshot also ends it. */
    private CompletableFuture<DiskResult> readChunk(SnapshotSender sender, int firstPgno) {
        return CompletableFuture.supplyAsync(() -> {
            SnapshotChunkFrame chunk;
            try {
                chunk = sender.readChunk(firstPgno, session.channel().alloc());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
            return new DiskResult() {
                @Override
                public void apply() {
                    if (snapshot != sender) {
                        chunk.release();
                        return;
                    }
                    int pages = chunk.pageCount();
                    session.channel().writeAndFlush(chunk, session.channel().voidPromise());
                    sender.sent(firstPgno, pages);
                    if (sender.done()) {
                        endSnapshot();
                    }
                }

                @Override
                public void discard() {
                    chunk.release();
                }
            };
        }, ctx.diskExecutor());
    }

    private void endSnapshot() {
        session.channel().writeAndFlush(snapshot.end(), session.channel().voidPromise());
        nextTxid = snapshot.txid() + 1;
        closeSnapshot();
        state = State.STREAMING;
    }

    /**
     * Event loop, every {@code stallMs} while a snapshot is open: an agent that took no chunk in that
     * time is connected but not reading; the connection closes so the checkpoint hold ends.
     */
    private void checkStall(long stallMs) {
        if (snapshot != null && !snapshot.progressedSinceLastCheck()) {
            session.fail("snapshot " + db + " to agent " + session.agentId() + " made no progress for " + stallMs
                    + " ms (the agent reads nothing); its checkpoint hold ends with the connection", null);
        }
    }

    private void closeSnapshot() {
        if (snapshot != null) {
            stallCheck.cancel(false);
            snapshot.close();
            snapshot = null;
        }
    }

    private CompletableFuture<DiskResult> catchUp(long from, long upTo) {
        if (from > upTo) {
            return CompletableFuture.completedFuture(noop());
        }
        return ctx.catalog().leaseLog(db).thenApplyAsync(lease -> {
            try (lease) {
                return (DiskResult) new Applied(apply(CatchUpBatch.read(lease.reader(), from, upTo)));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, ctx.diskExecutor());
    }

    private Runnable apply(CatchUpBatch batch) {
        return () -> {
            if (batch.trimmed()) {
                LOG.info("agent {} needs {} from txid {}, which the log no longer holds: snapshot", session.agentId(),
                        db, batch.firstTxid());
                state = State.SNAPSHOT;
                nextTxid = NOT_STREAMING;
                return;
            }
            long txid = batch.firstTxid();
            for (byte[] encoded : batch.encoded()) {
                if (txid == nextTxid) {
                    ByteBuf buf = Unpooled.wrappedBuffer(encoded);
                    try {
                        write(txid, buf);
                    } finally {
                        buf.release();
                    }
                }
                txid++;
            }
            session.channel().flush();
        };
    }

    /** Writes changeset {@code txid} (which must be {@code nextTxid}). Does not take ownership of {@code encoded}. */
    private void write(long txid, ByteBuf encoded) {
        ChangesetChunker chunker = new ChangesetChunker(db, encoded);
        while (chunker.hasNext()) {
            session.channel().write(chunker.next(), session.channel().voidPromise());
        }
        nextTxid = txid + 1;
        ctx.metrics().changesetSent(encoded.readableBytes());
    }

    /**
     * Event loop: a step failed. A database deleted meanwhile is a removal; anything else ends the
     * session. A read can fail because a delete closed the database's log before the catalog
     * announces the delete, so the catalog is asked (on the stream executor; it answers once the
     * delete holding the name is done) before the failure is taken as an error.
     */
    void failed(Throwable cause) {
        Throwable root = unwrap(cause);
        if (state == State.CLOSED) {
            return;
        }
        if (root instanceof UnknownDatabaseException) {
            session.removed(this);
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                ctx.catalog().info(db);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, ctx.diskExecutor()).whenComplete((ok, err) -> session.execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            if (err != null && unwrap(err) instanceof UnknownDatabaseException) {
                session.removed(this);
            } else {
                session.fail("stream " + db + " to agent " + session.agentId() + ": " + root, root);
            }
        }, () -> {}));
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Event loop: stops streaming; ends a snapshot's checkpoint hold. Idempotent. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        ctx.feeds().detach(this);
        closeSnapshot();
    }

    private DiskResult noop() {
        return new Applied(() -> {});
    }

    /** A result that holds nothing to release (the session applies it only while the subscription is open). */
    private static final class Applied implements DiskResult {
        private final Runnable action;

        Applied(Runnable action) {
            this.action = action;
        }

        @Override
        public void apply() {
            action.run();
        }

        @Override
        public void discard() {}
    }
}
