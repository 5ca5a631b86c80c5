package dev.ferry.primary.stream;

import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.frame.GlobPattern;
import dev.ferry.protocol.frame.AckFrame;
import dev.ferry.protocol.frame.DatabaseAddedFrame;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.DatabaseRemovedFrame;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.SubscribedFrame;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WELCOMEd agent connection: its patterns, the positions it holds, and a {@link Subscription}
 * per matching database.
 *
 * <h2>Disk work, one step at a time</h2>
 * Subscriptions that need the disk (resolving, a snapshot chunk, a catch-up read) wait in a queue,
 * and the session runs <b>one step at a time, and only while the channel is writable</b>. That is
 * what bounds the memory a session costs: the channel's outbound buffer (up to its high water mark
 * plus the last thing written) and one disk result. A snapshot keeps its place at the head of the
 * queue until it ends, so one session holds off checkpoints of one database at a time; catch-ups
 * take turns, and one waits at most for the snapshot in progress.
 *
 * <p>Not thread-safe: confined to the channel's event loop. Other threads reach it through {@link
 * #execute}.
 */
final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final Channel channel;
    private final String agentId;
    /** The protocol version WELCOME chose: from 2 on, every SUBSCRIBE is answered with SUBSCRIBED. */
    private final int version;
    private final StreamContext ctx;
    private final ProtocolFailure failure;
    private final List<String> globs = new ArrayList<>();
    private final Map<String, DatabasePosition> positions = new HashMap<>();
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private final ArrayDeque<Subscription> diskQueue = new ArrayDeque<>();
    private boolean diskBusy;
    private boolean closed;

    /** How the session ends the connection with an ERROR; the handler's. */
    interface ProtocolFailure {
        void fail(ErrorCode code, String message);
    }

    Session(Channel channel, String agentId, int version, StreamContext ctx, ProtocolFailure failure) {
        this.channel = channel;
        this.agentId = agentId;
        this.version = version;
        this.ctx = ctx;
        this.failure = failure;
    }

    Channel channel() {
        return channel;
    }

    String agentId() {
        return agentId;
    }

    /** Runs {@code task} on the event loop, or {@code rejected} if the event loop is gone. Any thread. */
    void execute(Runnable task, Runnable rejected) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            rejected.run();
        }
    }

    /**
     * Adds SUBSCRIBE's patterns and positions. The patterns take effect at once for databases
     * created from now on; the databases that exist already are listed on the stream executor
     * (a directory read) and subscribed when the list comes back; then, at protocol version 2,
     * SUBSCRIBED names them.
     */
    void subscribe(SubscribeFrame frame) {
        for (DatabasePosition position : frame.positions()) {
            positions.put(position.db(), position);
        }
        List<String> exact = new ArrayList<>();
        for (String pattern : frame.patterns()) {
            if (GlobPattern.isGlob(pattern)) {
                globs.add(pattern);
            } else {
                exact.add(pattern);
            }
        }
        List<String> patterns = frame.patterns();
        CompletableFuture.supplyAsync(() -> {
            try {
                return ctx.catalog().names();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, ctx.diskExecutor()).whenComplete((names, err) -> execute(() -> {
            if (err != null) {
                fail("list databases for agent " + agentId + ": " + err.getMessage(), err);
            } else {
                subscribeExisting(patterns, exact, Set.copyOf(names));
            }
        }, () -> {}));
    }

    private void subscribeExisting(List<String> patterns, List<String> exact, Set<String> names) {
        if (closed) {
            return;
        }
        for (String name : exact) {
            if (!names.contains(name)) {
                failure.fail(ErrorCode.UNKNOWN_DATABASE, "SUBSCRIBE names database " + name
                        + ", which the primary does not have");
                return;
            }
        }
        List<String> started = new ArrayList<>();
        for (String name : names) {
            if (!subscriptions.containsKey(name) && patterns.stream().anyMatch(p -> GlobPattern.matches(p, name))) {
                start(name);
                started.add(name);
            }
        }
        // An agent may hold a copy of a database deleted while it was away: tell it.
        Set<String> gone = new HashSet<>();
        for (String held : positions.keySet()) {
            if (!names.contains(held) && !subscriptions.containsKey(held) && matchesGlob(held)) {
                gone.add(held);
            }
        }
        for (String name : gone) {
            positions.remove(name);
            channel.writeAndFlush(new DatabaseRemovedFrame(name), channel.voidPromise());
        }
        if (ProtocolVersion.hasSubscribed(version)) {
            // After start(): each named database is queued, so its snapshot or changesets follow.
            started.sort(null);
            for (SubscribedFrame frame : SubscribedFrame.answer(started)) {
                channel.write(frame, channel.voidPromise());
            }
            channel.flush();
        }
    }

    private boolean matchesGlob(String name) {
        return globs.stream().anyMatch(p -> GlobPattern.matches(p, name));
    }

    /** A database was created: announce and stream it if a pattern matches. */
    void databaseCreated(String name) {
        if (closed || subscriptions.containsKey(name) || !matchesGlob(name)) {
            return;
        }
        positions.remove(name);
        channel.writeAndFlush(new DatabaseAddedFrame(name), channel.voidPromise());
        start(name);
    }

    private void start(String name) {
        Subscription subscription = new Subscription(this, name, positions.get(name), ctx);
        subscriptions.put(name, subscription);
        subscription.start();
        ctx.tracker().connected(agentId, name);
        queue(subscription);
    }

    /** The database of {@code subscription} was deleted: DATABASE_REMOVED, and nothing more of it. */
    void removed(Subscription subscription) {
        if (closed || subscriptions.get(subscription.db()) != subscription) {
            return;
        }
        drop(subscription);
        positions.remove(subscription.db());
        channel.writeAndFlush(new DatabaseRemovedFrame(subscription.db()), channel.voidPromise());
    }

    private void drop(Subscription subscription) {
        subscriptions.remove(subscription.db());
        subscription.close();
        ctx.tracker().disconnected(agentId, subscription.db());
    }

    /** Records an ACK of a subscribed database; one for a database not (or no longer) streamed is ignored. */
    void ack(AckFrame ack) {
        if (subscriptions.containsKey(ack.db())) {
            ctx.tracker().acknowledged(agentId, ack.db(), ack.txid(), ack.checksum());
        } else {
            LOG.debug("agent {} acknowledged {}, which it is not subscribed to", agentId, ack.db());
        }
    }

    /** Puts {@code subscription} in line for disk work and runs the line. */
    void queue(Subscription subscription) {
        if (!subscription.queued) {
            subscription.queued = true;
            diskQueue.addLast(subscription);
        }
        pump();
    }

    /** The channel's writability changed: run the disk line again if it can take more. */
    void writabilityChanged() {
        pump();
    }

    private void pump() {
        while (!closed && !diskBusy && channel.isWritable()) {
            Subscription next = diskQueue.pollFirst();
            if (next == null) {
                return;
            }
            next.queued = false;
            if (!next.needsDisk()) {
                continue;
            }
            diskBusy = true;
            CompletableFuture<DiskResult> step;
            try {
                step = next.step();
            } catch (RuntimeException e) {
                // The stream executor refused the work (the server is stopping): fail the step, not the loop.
                step = CompletableFuture.failedFuture(e);
            }
            step.whenComplete((result, err) -> execute(() -> stepDone(next, result, err), () -> {
                if (result != null) {
                    result.discard();
                }
            }));
        }
    }

    private void stepDone(Subscription subscription, DiskResult result, Throwable err) {
        diskBusy = false;
        if (err != null) {
            subscription.failed(err);
        } else if (closed || subscription.state() == Subscription.State.CLOSED) {
            result.discard();
        } else {
            result.apply();
        }
        if (!closed && subscription.needsDisk() && !subscription.queued) {
            subscription.queued = true;
            if (subscription.snapshotting()) {
                diskQueue.addFirst(subscription);
            } else {
                diskQueue.addLast(subscription);
            }
        }
        pump();
    }

    /** Ends the connection with ERROR INTERNAL after an unexpected failure. */
    void fail(String message, Throwable cause) {
        LOG.warn("{}; closing the connection", message, cause);
        failure.fail(ErrorCode.INTERNAL, message);
    }

    /** The channel closed: stop every subscription (ending snapshot holds) and forget the queue. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Subscription subscription : List.copyOf(subscriptions.values())) {
            drop(subscription);
        }
        diskQueue.clear();
    }
}
