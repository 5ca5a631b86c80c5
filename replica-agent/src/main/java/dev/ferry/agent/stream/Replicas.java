package dev.ferry.agent.stream;

import dev.ferry.agent.apply.ApplyOptions;
import dev.ferry.agent.apply.DataDirectory;
import dev.ferry.agent.state.Position;
import dev.ferry.protocol.frame.DatabasePosition;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's replicas: one {@link DatabaseApplier} (one apply thread) per database that the
 * subscription matches and that either exists in the data directory or was sent by the primary.
 * This is what the local HTTP API reads.
 *
 * <p>Thread-safe: the map is concurrent; an applier is created at most once per name.
 */
public final class Replicas {
    private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);
    private static final String DB_SUFFIX = ".db";

    private final DataDirectory dataDirectory;
    private final ApplyOptions applyOptions;
    private final Subscription subscription;
    private final AgentMetrics metrics;
    private final FlowControl flow;
    private final ConcurrentMap<String, DatabaseApplier> appliers = new ConcurrentHashMap<>();
    /**
     * Whether the primary has listed, at least once since start, the existing databases of every
     * glob (SUBSCRIBED, protocol version 2), or spoke version 1, which cannot list them. Never
     * reset: a copy stays usable when the primary is unreachable.
     */
    private volatile boolean globsListed;
    private final DatabaseApplier.Context context = new ApplierContext();
    /**
     * One thread for every database's fsyncs ({@link GroupSync}): they are off the apply threads'
     * path, and one disk serialises them anyway. Daemon: closing a replica syncs it itself.
     */
    private final ExecutorService syncExecutor = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "ferry-sync");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param queueHighWaterBytes the bytes queued for the apply threads above which the agent stops
     *                            reading from the primary ({@link FlowControl})
     */
    public Replicas(DataDirectory dataDirectory, ApplyOptions applyOptions, Subscription subscription,
            AgentMetrics metrics, long queueHighWaterBytes) {
        this.dataDirectory = dataDirectory;
        this.applyOptions = applyOptions;
        this.subscription = subscription;
        this.metrics = metrics;
        this.flow = new FlowControl(queueHighWaterBytes);
    }

    /**
     * Opens every replica in the data directory that the subscription matches, each on its own
     * apply thread, and waits until they are open: their positions go into the first SUBSCRIBE.
     */
    public void openExisting() throws IOException, InterruptedException {
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDirectory.path(), "*" + DB_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                name = name.substring(0, name.length() - DB_SUFFIX.length());
                // Other files (a copy a person left, "Orders.db") are not replicas of this agent.
                if (Files.isRegularFile(file) && Subscription.isDatabaseName(name) && subscription.matches(name)) {
                    opening.add(create(name));
                }
            }
        }
        for (CompletableFuture<Void> f : opening) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IOException("open replicas in " + dataDirectory.path() + ": " + e.getCause(), e.getCause());
            }
        }
    }

    public Subscription subscription() {
        return subscription;
    }

    /** The applier of {@code db}, started on first use; empty if the subscription does not match it. */
    Optional<DatabaseApplier> applier(String db) {
        if (!subscription.matches(db)) {
            return Optional.empty();
        }
        DatabaseApplier existing = appliers.get(db);
        if (existing != null) {
            return Optional.of(existing);
        }
        create(db);
        return Optional.of(appliers.get(db));
    }

    private synchronized CompletableFuture<Void> create(String db) {
        if (appliers.containsKey(db)) {
            return CompletableFuture.completedFuture(null);
        }
        DatabaseApplier applier = new DatabaseApplier(db, context);
        appliers.put(db, applier);
        metrics.bind(applier);
        return applier.start();
    }

    /** The positions for SUBSCRIBE: every replica held, except those waiting for a repair snapshot. */
    List<DatabasePosition> positions() {
        List<DatabasePosition> positions = new ArrayList<>();
        for (DatabaseApplier a : appliers.values()) {
            Position p = a.subscribePosition();
            if (p != null && p.txid() >= 1) {
                positions.add(new DatabasePosition(a.name(), p.txid(), p.checksum()));
            }
        }
        return positions;
    }

    /** Every replica's status, by name. */
    public List<ReplicaStatus> statuses() {
        List<ReplicaStatus> all = new ArrayList<>();
        for (DatabaseApplier a : appliers.values()) {
            all.add(a.status());
        }
        all.sort(Comparator.comparing(ReplicaStatus::name));
        return all;
    }

    public Optional<ReplicaStatus> status(String db) {
        DatabaseApplier a = appliers.get(db);
        return a == null ? Optional.empty() : Optional.of(a.status());
    }

    /**
     * A future completed once {@code db} has applied {@code txid}; empty if the agent does not
     * replicate {@code db} (a name a glob matches counts once the primary has sent it). The future is completed by the apply thread; a caller that stops waiting
     * should cancel it so it is forgotten.
     */
    public Optional<CompletableFuture<Position>> await(String db, long txid) {
        DatabaseApplier a = appliers.get(db);
        if (a == null && subscription.exactNames().contains(db)) {
            a = applier(db).orElseThrow();
        }
        return a == null ? Optional.empty() : Optional.of(a.await(txid));
    }

    /**
     * The primary has listed the databases of every glob, and their appliers exist. Called on the
     * event loop after it created them, so that a reader that sees this also sees them.
     */
    void globsListed() {
        globsListed = true;
    }

    /**
     * The globs whose existing databases the primary has not listed yet: every glob until the
     * first list since start (docs/http-api.md, {@code GET /readyz}); then none. Read it before
     * {@link #notBootstrapped}: the volatile read makes the listed databases' appliers visible.
     */
    public List<String> unlistedGlobs() {
        return globsListed ? List.of() : subscription.globs();
    }

    /**
     * The subscribed databases not yet bootstrapped: the exact names given, and every database the
     * primary has listed or sent, that hold no position yet. A deleted database no longer counts.
     */
    public List<String> notBootstrapped() {
        List<String> missing = new ArrayList<>();
        for (String name : subscription.exactNames()) {
            if (!appliers.containsKey(name)) {
                missing.add(name);
            }
        }
        for (DatabaseApplier a : appliers.values()) {
            ReplicaStatus s = a.status();
            if (!s.bootstrapped() && s.state() != ReplicaStatus.State.REMOVED) {
                missing.add(s.name());
            }
        }
        missing.sort(null);
        return missing;
    }

    FlowControl flow() {
        return flow;
    }

    /** Tells every apply thread that {@code link} ended, so a snapshot still arriving from it is dropped. */
    void linkLost(Channel link) {
        appliers.values().forEach(a -> a.offer(new ApplyItem.LinkLost(link)));
    }

    /** What every apply thread shares. */
    private final class ApplierContext implements DatabaseApplier.Context {
        @Override
        public DataDirectory dataDirectory() {
            return dataDirectory;
        }

        @Override
        public ApplyOptions applyOptions() {
            return applyOptions;
        }

        @Override
        public FlowControl flow() {
            return flow;
        }

        @Override
        public AgentMetrics metrics() {
            return metrics;
        }

        @Override
        public Executor syncExecutor() {
            return syncExecutor;
        }

        @Override
        public void reconnect(Channel link, String why) {
            if (link.isActive()) {
                LOG.info("closing the connection to the primary to {}", why);
                link.close();
            }
        }
    }

    /**
     * Stops every apply thread after the work already queued for it, waiting up to {@code timeoutMs}
     * in all; a thread still applying then is left to finish (never interrupted).
     */
    public void stop(long timeoutMs) throws InterruptedException {
        appliers.values().forEach(DatabaseApplier::stop);
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (DatabaseApplier a : appliers.values()) {
            if (a.join(Math.max(1, deadline - System.currentTimeMillis()))) {
                a.drain();
            } else {
                LOG.warn("apply thread of {} did not stop within {} ms", a.name(), timeoutMs);
            }
        }
        syncExecutor.shutdown();
    }
}
