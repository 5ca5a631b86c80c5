package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Bank transfers through the primary: each database holds {@value #ACCOUNTS} accounts whose balances
 * always sum to {@link #TOTAL}, a counter {@code meta.seq} that every transfer increments, and a
 * {@code history} row per transfer with a client-chosen id. A reader therefore checks, inside one
 * read transaction: the sum is {@link #TOTAL}; {@code seq} equals the number of history rows (no
 * partial transaction); and {@code seq} never decreases across its transactions.
 *
 * <p>Writers record every acknowledged transfer's id and txid per database, so that a test can
 * check afterwards that no acknowledged write is missing anywhere. A request that fails (the primary
 * was killed, a connection broke) is in doubt and is not recorded; the writer continues after a
 * short pause. Thread-safe.
 */
public final class BankWorkload implements AutoCloseable {
    public static final int ACCOUNTS = 40;
    public static final long TOTAL = ACCOUNTS * 1000L;
    /** The read transaction of every reader: sum, seq, history count, in one statement. */
    public static final String CHECK_SQL = "SELECT (SELECT sum(balance) FROM accounts), (SELECT seq FROM meta),"
            + " (SELECT count(*) FROM history)";

    private final Supplier<FerryClient> client;
    private final List<String> databases;
    private final long seed;
    private final Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> maxTxid = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong nextId = new AtomicLong(1);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile long pauseNanos;

    private BankWorkload(Supplier<FerryClient> client, List<String> databases, long seed) {
        this.client = client;
        this.databases = List.copyOf(databases);
        this.seed = seed;
        for (String db : databases) {
            acknowledged.put(db, ConcurrentHashMap.newKeySet());
            maxTxid.put(db, new AtomicLong());
        }
    }

    /**
     * A workload over {@code databases}; {@code client} gives the current primary client (it
     * changes when the primary restarts).
     */
    public static BankWorkload on(Supplier<FerryClient> client, List<String> databases, long seed) {
        return new BankWorkload(client, databases, seed);
    }

    /** Creates {@code db} on the primary (unless it exists) and its tables, accounts and counter. */
    public static void createSchema(FerryClient client, String db) throws IOException, InterruptedException {
        client.create(db);
        List<Object> statements = new ArrayList<>();
        statements.add("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
        statements.add("CREATE TABLE meta(k INTEGER PRIMARY KEY, seq INTEGER NOT NULL)");
        statements.add("CREATE TABLE history(id INTEGER PRIMARY KEY, from_id INTEGER, to_id INTEGER,"
                + " amount INTEGER, note BLOB)");
        statements.add("INSERT INTO meta VALUES (1, 0)");
        for (int i = 1; i <= ACCOUNTS; i++) {
            statements.add(List.of("INSERT INTO accounts VALUES (?, 1000)", i));
        }
        client.execute(db, statements);
    }

    /** The statements of one transfer with history id {@code id}. */
    public static List<Object> transfer(long id, int from, int to, int amount) {
        return List.of(
                List.of("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from),
                List.of("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to),
                "UPDATE meta SET seq = seq + 1",
                List.of("INSERT INTO history VALUES (?, ?, ?, ?, randomblob(200))", id, from, to, amount));
    }

    /** Starts {@code writers} threads, each sending transfers to random databases as fast as answered. */
    public BankWorkload start(int writers) {
        for (int w = 0; w < writers; w++) {
            Random random = new Random(seed * 31 + w);
            Thread thread = new Thread(() -> run(random), "bank-writer-" + w);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        return this;
    }

    /** Each writer waits this long after each transfer (0: none); a way to set a rough rate. */
    public void pauseBetweenTransfers(long nanos) {
        pauseNanos = nanos;
    }

    private void run(Random random) {
        while (!stopping) {
            String db = databases.get(random.nextInt(databases.size()));
            long id = nextId.getAndIncrement();
            int from = 1 + random.nextInt(ACCOUNTS);
            int to = 1 + random.nextInt(ACCOUNTS);
            try {
                Executed done = client.get().execute(db, transfer(id, from, to, 1 + random.nextInt(50)));
                acknowledged.get(db).add(id);
                maxTxid.get(db).accumulateAndGet(done.txid(), Math::max);
            } catch (IOException | RuntimeException e) {
                failures.incrementAndGet();
                LockSupport.parkNanos(20_000_000);
            } catch (InterruptedException e) {
                return;
            }
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
        }
    }

    /** Stops the writers and waits for their last requests. */
    @Override
    public void close() {
        stopping = true;
        for (Thread thread : threads) {
            try {
                thread.join(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public Set<Long> acknowledged(String db) {
        return Set.copyOf(acknowledged.get(db));
    }

    public long acknowledgedCount() {
        return acknowledged.values().stream().mapToLong(Set::size).sum();
    }

    public long maxAcknowledgedTxid(String db) {
        return maxTxid.get(db).get();
    }

    public long failures() {
        return failures.get();
    }
}
