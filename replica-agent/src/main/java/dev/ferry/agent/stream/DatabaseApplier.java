package dev.ferry.agent.stream;

import dev.ferry.agent.apply.ApplyOptions;
import dev.ferry.agent.apply.ApplyResult;
import dev.ferry.agent.apply.DataDirectory;
import dev.ferry.agent.apply.ReplicaDatabase;
import dev.ferry.agent.apply.ReplicaDivergedException;
import dev.ferry.agent.apply.SnapshotHeader;
import dev.ferry.agent.state.Position;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.changeset.CorruptChangesetException;
import dev.ferry.protocol.frame.AckFrame;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply thread of one database: takes its snapshots and changesets off a queue filled by the
 * connection's event loop and applies them to its {@link ReplicaDatabase}, which is single-threaded.
 *
 * <p>Concurrency: {@link #offer} and the status getters may be called from any thread; everything
 * else runs on the thread this class starts. The thread is never interrupted (NIO would close the
 * replica's channels and drop its POSIX locks); it is stopped by queueing {@link ApplyItem.Stop}.
 *
 * <p>Durability: an ACK names only {@link ReplicaDatabase#durablePosition}, fsynced with the
 * position file (docs/protocol.md, "Acknowledgements"). With {@link
 * ApplyOptions#publishBeforeSync} a changeset is visible to readers (and to {@code /wait}) when
 * {@code apply} returns, and made durable by {@link GroupSync} on the agent's sync thread: this
 * thread never waits for an fsync, and one fsync covers every transaction published while the
 * previous one ran. The sync thread acknowledges what each sync made durable. Otherwise {@code
 * apply} fsyncs before publishing, and this thread acknowledges once the queue is empty or {@value
 * #ACK_INTERVAL_MS} ms after the last ACK. ACKs are cumulative, sent under this applier's lock in the
 * order their positions became durable, and a position is not acknowledged twice on one connection.
 *
 * <p>Recovery is decided in {@link #recover} alone: divergence asks the primary for a snapshot,
 * anything else reconnects, and a failed replica is reopened (which repairs it) before its next use.
 */
final class DatabaseApplier {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseApplier.class);
    private static final long ACK_INTERVAL_MS = 100;
    /** With nothing to apply for this long, a PASSIVE checkpoint runs, so an idle WAL is backfilled. */
    private static final long IDLE_CHECKPOINT_MS = 1_000;

    /** What the apply thread needs from the agent around it. */
    interface Context {
        DataDirectory dataDirectory();

        ApplyOptions applyOptions();

        FlowControl flow();

        AgentMetrics metrics();

        /** Where {@link GroupSync} runs the fsyncs of every database. */
        Executor syncExecutor();

        /** Close {@code link}; the client reconnects with backoff. */
        void reconnect(Channel link, String why);
    }

    private final String name;
    private final Context context;
    private final BlockingQueue<ApplyItem> queue = new LinkedBlockingQueue<>();
    private final Waiters waiters = new Waiters();
    private final Thread thread;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    /** Written by this thread only; volatile for the ACKs the sync thread sends. */
    private volatile ReplicaDatabase replica;
    private final GroupSync groupSync;
    private ApplyItem pushedBack;
    private boolean failed;
    private boolean dirtySinceCheckpoint;
    private long lastAckMs;
    /** The connection of the last changeset, which the ACK after a later sync goes to. */
    private volatile Channel lastLink;
    /** The last ACK sent, and where; guarded by {@code this}. */
    private Position lastAcked;
    private Channel lastAckedLink;
    private volatile Position position;
    private volatile long primaryTxid;
    /** Commit time (primary's clock) of the last changeset applied; 0 until one is. */
    private volatile long lastCommitMs;
    /** When this agent learned it was behind, for the lag before any commit time is known; 0 if caught up. */
    private volatile long behindSinceMs;
    private volatile long walBytes;
    private volatile ReplicaStatus.State state = ReplicaStatus.State.WAITING;
    /** Set on divergence: the next SUBSCRIBE leaves this database's position out, so a snapshot comes. */
    private volatile boolean needsSnapshot;

    DatabaseApplier(String name, Context context) {
        this.name = name;
        this.context = context;
        this.thread = new Thread(this::run, "ferry-apply-" + name);
        this.groupSync = new GroupSync(context.syncExecutor(), new GroupSync.Outcome() {
            @Override
            public void synced(ReplicaDatabase synced, Position durable) {
                Channel link = lastLink;
                if (link != null) {
                    ack(link);
                }
            }

            @Override
            public void failed(ReplicaDatabase synced, Exception e) {
                // The instance has stopped itself (fail-stop); the next apply finds that and reopens it.
                LOG.error("sync of {} failed; the replica is reopened before its next use", name, e);
                Channel link = lastLink;
                if (link != null) {
                    context.reconnect(link, "sync of " + name + " failed: " + e.getMessage());
                }
            }
        });
        // Queued before anyone can see this applier, so opening always comes first.
        queue.add(new ApplyItem.Open(opened));
    }

    /**
     * Starts the thread, which first opens the replica file if one exists; the future completes once
     * it is open (or known absent), so the first SUBSCRIBE can send its position.
     */
    CompletableFuture<Void> start() {
        thread.start();
        return opened;
    }

    /** Queues work for the apply thread; the event loop calls this. */
    void offer(ApplyItem item) {
        context.flow().queued(item.bytes());
        queue.add(item);
    }

    /** Records the latest txid the primary is known to have; from the event loop. */
    void primaryAt(long txid) {
        if (txid > primaryTxid) {
            primaryTxid = txid;
        }
        Position at = position;
        if (behindSinceMs == 0 && (at == null || txid > at.txid())) {
            behindSinceMs = System.currentTimeMillis();
        }
    }

    String name() {
        return name;
    }

    /** The position to send in SUBSCRIBE: none while a snapshot is wanted or the database was removed. */
    Position subscribePosition() {
        return needsSnapshot || state == ReplicaStatus.State.REMOVED ? null : position;
    }

    CompletableFuture<Position> await(long txid) {
        waiters.purgeDone();
        return waiters.await(txid, () -> position);
    }

    ReplicaStatus status() {
        Position at = position;
        long applied = at == null ? 0 : at.txid();
        long primary = Math.max(primaryTxid, applied);
        long since = lastCommitMs != 0 ? lastCommitMs : behindSinceMs;
        long lag = primary <= applied || since == 0 ? 0 : Math.max(0, System.currentTimeMillis() - since);
        return new ReplicaStatus(name, at, primary, lag, walBytes, state);
    }

    /** Asks the thread to close the replica and end; {@link #join} waits for it. */
    void stop() {
        queue.add(new ApplyItem.Stop());
    }

    boolean join(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
        return !thread.isAlive();
    }

    private void run() {
        try {
            while (true) {
                ApplyItem item = next(IDLE_CHECKPOINT_MS);
                if (item == null) {
                    idleCheckpoint();
                } else if (item instanceof ApplyItem.Stop) {
                    closeReplica();
                    return;
                } else {
                    handleGuarded(item);
                }
            }
        } catch (InterruptedException e) {
            LOG.error("apply thread of {} was interrupted; it must never be (NIO drops the replica's locks)", name);
            closeReplica();
        }
    }

    private ApplyItem next(long timeoutMs) throws InterruptedException {
        ApplyItem item = pushedBack;
        pushedBack = null;
        if (item == null) {
            item = queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
        }
        if (item != null) {
            context.flow().taken(item.bytes());
        }
        return item;
    }

    /** A bug must not end the thread: the database would silently stop being applied. */
    private void handleGuarded(ApplyItem item) {
        try {
            handle(item);
        } catch (RuntimeException e) {
            LOG.error("apply thread of {} failed on {}; the replica is reopened before its next use", name,
                    item.getClass().getSimpleName(), e);
            closeReplica();
            failed = true;
            state = ReplicaStatus.State.FAILED;
        }
    }

    private void handle(ApplyItem item) {
        if (item instanceof ApplyItem.Open o) {
            openExisting();
            o.done().complete(null);
        } else if (item instanceof ApplyItem.Changeset c) {
            applyChangeset(c);
        } else if (item instanceof ApplyItem.SnapshotBegin b) {
            applySnapshot(b);
        } else if (item instanceof ApplyItem.Chunk c) {
            c.frame().release(); // the rest of a snapshot that already failed
        } else if (item instanceof ApplyItem.Removed) {
            closeReplica();
            state = ReplicaStatus.State.REMOVED;
            LOG.warn("{} was deleted on the primary; the replica file is left as it is, at {}, and no longer applied",
                    name, position);
        }
    }

    private void openExisting() {
        if (!Files.exists(context.dataDirectory().path().resolve(name + ".db"))) {
            return;
        }
        try {
            replica = ReplicaDatabase.open(context.dataDirectory(), name, context.applyOptions());
            failed = false;
            publish(replica.position());
            state = position == null ? ReplicaStatus.State.WAITING : ReplicaStatus.State.REPLICATING;
            LOG.info("opened replica {} at {}", name, position);
        } catch (IOException | RuntimeException e) {
            failed = true;
            state = ReplicaStatus.State.FAILED;
            LOG.error("open replica {}: {}; it will be repaired from a snapshot", name, e.toString());
        }
    }

    private void applyChangeset(ApplyItem.Changeset item) {
        if (state == ReplicaStatus.State.REMOVED) {
            return;
        }
        if (failed || replica == null) {
            openExisting();
            if (replica == null) {
                requestSnapshot(item.link(), "no usable replica to apply changesets to");
                return;
            }
        }
        long started = System.nanoTime();
        lastLink = item.link();
        try {
            Changeset cs = ChangesetCodec.decode(item.record());
            ApplyResult result = replica.apply(cs);
            if (result == ApplyResult.APPLIED) {
                lastCommitMs = cs.timestampMs();
                context.metrics().applied(item.record().length, System.nanoTime() - started);
                dirtySinceCheckpoint = true;
            }
            publish(replica.position());
            if (context.applyOptions().publishBeforeSync()) {
                groupSync.request(replica);
            } else {
                maybeAck(item.link());
            }
        } catch (ReplicaDivergedException | CorruptChangesetException | IOException | RuntimeException e) {
            recover(item.link(), e);
        }
    }

    private void applySnapshot(ApplyItem.SnapshotBegin item) {
        SnapshotBeginFrame begin = item.frame();
        Position target = new Position(begin.txid(), begin.checksum());
        primaryAt(begin.txid());
        state = ReplicaStatus.State.BOOTSTRAPPING;
        LOG.info("receiving snapshot of {} at {}: {} pages of {} bytes", name, target, begin.pageCount(),
                begin.pageSize());
        long started = System.nanoTime();
        SnapshotHeader header = new SnapshotHeader(begin.pageSize(), begin.pageCount(), target);
        SnapshotStream pages = new SnapshotStream(begin, new SnapshotStream.Source() {
            @Override
            public ApplyItem take() throws IOException {
                try {
                    return next(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the snapshot of " + name, e);
                }
            }

            @Override
            public void putBack(ApplyItem back) {
                context.flow().queued(back.bytes());
                pushedBack = back;
            }
        });
        try {
            if (replica != null && !failed) {
                replica.resnapshot(header, pages);
            } else {
                closeReplica();
                replica = ReplicaDatabase.bootstrap(context.dataDirectory(), name, header, pages,
                        context.applyOptions());
                failed = false;
            }
            lastCommitMs = 0; // a snapshot carries no commit time
            dirtySinceCheckpoint = true;
            needsSnapshot = false;
            publish(replica.position());
            LOG.info("snapshot of {} applied at {} in {} ms", name, position, (System.nanoTime() - started) / 1_000_000);
            maybeAck(item.link());
        } catch (IOException | RuntimeException e) {
            state = replica == null ? ReplicaStatus.State.WAITING : ReplicaStatus.State.REPLICATING;
            if (pushedBack instanceof ApplyItem.LinkLost || pushedBack instanceof ApplyItem.Stop) {
                LOG.info("snapshot of {} abandoned: {}", name, e.getMessage());
            } else {
                requestSnapshot(item.link(), "snapshot failed: " + e.getMessage());
            }
        }
    }

    /**
     * The one place that decides how to recover from a failed apply.
     * <ol>
     *   <li>Divergence (the changeset does not follow the replica, or the replica's content was
     *       changed by someone else): ask the primary for a snapshot, applied as one WAL transaction.</li>
     *   <li>A corrupt changeset (CRC-32C) or a protocol error: reconnect; nothing was applied.</li>
     *   <li>Anything else (an I/O error, a failure past the point of no return): close the replica,
     *       reopen it before its next use (reopening repairs it), and reconnect.</li>
     * </ol>
     */
    private void recover(Channel link, Exception e) {
        if (e instanceof ReplicaDivergedException) {
            LOG.warn("replica {} diverged from the primary ({}); repairing it from a snapshot", name, e.getMessage());
            requestSnapshot(link, e.getMessage());
        } else if (e instanceof CorruptChangesetException) {
            LOG.warn("changeset for {} is corrupt ({}); nothing was applied, reconnecting", name, e.getMessage());
            context.reconnect(link, e.getMessage());
        } else {
            LOG.error("apply to {} failed; the replica is reopened before its next use", name, e);
            closeReplica();
            failed = true;
            state = ReplicaStatus.State.FAILED;
            context.reconnect(link, "apply to " + name + " failed: " + e.getMessage());
        }
    }

    private void requestSnapshot(Channel link, String why) {
        needsSnapshot = true;
        context.reconnect(link, "repair " + name + " from a snapshot: " + why);
    }

    private void publish(Position at) {
        if (at == null) {
            return;
        }
        position = at;
        primaryAt(at.txid());
        if (at.txid() >= primaryTxid) {
            behindSinceMs = 0;
        }
        walBytes = replica.walBytes();
        state = ReplicaStatus.State.REPLICATING;
        waiters.reached(at);
    }

    /** This thread's ACKs (see the class comment). */
    private void maybeAck(Channel link) {
        long now = System.currentTimeMillis();
        if (queue.isEmpty() || now - lastAckMs >= ACK_INTERVAL_MS) {
            ack(link);
            lastAckMs = now;
        }
    }

    /**
     * Acknowledges the durable position on {@code link} unless that was the last ACK there. The
     * position is read under the lock, so ACKs leave in the order their positions became durable.
     */
    private synchronized void ack(Channel link) {
        ReplicaDatabase r = replica;
        Position durable = r == null ? null : r.durablePosition();
        if (durable == null || !link.isActive() || (durable.equals(lastAcked) && link == lastAckedLink)) {
            return;
        }
        link.writeAndFlush(new AckFrame(name, durable.txid(), durable.checksum()), link.voidPromise());
        lastAcked = durable;
        lastAckedLink = link;
    }

    private void idleCheckpoint() {
        if (!dirtySinceCheckpoint || replica == null || failed) {
            return;
        }
        try {
            replica.checkpoint();
            walBytes = replica.walBytes();
            dirtySinceCheckpoint = false;
        } catch (IOException | RuntimeException e) {
            LOG.warn("idle checkpoint of {} failed: {}", name, e.toString());
        }
    }

    private void closeReplica() {
        if (replica == null) {
            return;
        }
        try {
            replica.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("close replica {}: {}", name, e.toString());
        }
        replica = null;
    }

    /** Releases what is still queued; only once the thread has ended. */
    void drain() {
        ApplyItem item;
        while ((item = queue.poll()) != null) {
            ReferenceCountUtil.release(item instanceof ApplyItem.Chunk c ? c.frame() : null);
            context.flow().taken(item.bytes());
        }
    }
}
