package dev.ferry.systemtest.bench;

import dev.ferry.systemtest.harness.Executed;
import dev.ferry.systemtest.harness.FerryClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop clients, each sending one single-INSERT execute request at a time to the primary and
 * the next as soon as the answer (the acknowledgement of a durable write) arrives. Any failed
 * request aborts the benchmark: a figure that includes failures means nothing.
 */
final class HttpInserts {
    static final String INSERT = "INSERT INTO t (v) VALUES (?)";

    private HttpInserts() {}

    /** Runs {@code clients} clients for {@code duration}; returns their merged figures. */
    static Measurement run(FerryClient client, String database, int clients, Duration duration, String payload)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            List<Future<Histogram>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                results.add(pool.submit(insertUntil(client, database, deadline, payload)));
            }
            Histogram merged = Measurement.newLatencyHistogram();
            for (Future<Histogram> result : results) {
                merged.add(result.get());
            }
            long elapsed = System.nanoTime() - start;
            return new Measurement("HTTP execute, " + clients + (clients == 1 ? " client" : " clients"),
                    merged.getTotalCount(), elapsed, merged);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Callable<Histogram> insertUntil(FerryClient client, String database, long deadline, String payload) {
        return () -> {
            Histogram latency = Measurement.newLatencyHistogram();
            for (long now = System.nanoTime(); now < deadline; ) {
                Executed executed = client.execute(database, INSERT, payload);
                long done = System.nanoTime();
                if (executed.results().size() != 1 || executed.results().get(0).rowsAffected() != 1) {
                    throw new IOException("insert acknowledged with unexpected results " + executed.results());
                }
                latency.recordValue(done - now);
                now = done;
            }
            return latency;
        };
    }
}
