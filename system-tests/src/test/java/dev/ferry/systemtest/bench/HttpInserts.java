package dev.ferry.systemtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *
 * <h2>Why HttpURLConnection and not the tests' java.net.http client</h2>
 * Client and primary share the machine's cores. java.net.http hands every exchange to its selector
 * thread and back, and on 2 cores that cost the primary about half its throughput in a trial
 * (16 clients: ~5,000/s against ~11,000/s with this client). A blocking keep-alive connection per
 * client thread does the least client-side work, so the figures describe the primary. The body is
 * buffered so that each request leaves in one TCP write (see {@link #post}). POST retries
 * are switched off ({@code sun.net.http.retryPost=false}), so no insert is ever sent twice.
 */
final class HttpInserts {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        System.setProperty("sun.net.http.retryPost", "false");
    }

    private HttpInserts() {}

    /** Runs {@code clients} clients for {@code duration} against {@code database} at {@code base}; returns their merged figures. */
    static Measurement run(URI base, String database, int clients, Duration duration, String payload)
            throws InterruptedException, ExecutionException, IOException {
        URI execute = base.resolve("/v1/databases/" + database + "/execute");
        byte[] body = JSON.writeValueAsBytes(
                Map.of("statements", List.of(List.of("INSERT INTO t (v) VALUES (?)", payload))));
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            List<Future<Histogram>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                results.add(pool.submit(insertUntil(execute, body, deadline)));
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

    private static Callable<Histogram> insertUntil(URI execute, byte[] body, long deadline) {
        return () -> {
            Histogram latency = Measurement.newLatencyHistogram();
            for (long now = System.nanoTime(); now < deadline; ) {
                post(execute, body);
                long done = System.nanoTime();
                latency.recordValue(done - now);
                now = done;
            }
            return latency;
        };
    }

    /** One request on the thread's keep-alive connection; fails unless it answers 200 with one inserted row. */
    private static void post(URI execute, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) execute.toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        // No fixed-length streaming mode: it writes the headers and the body in separate TCP
        // segments, and with Nagle's algorithm on the client (HttpURLConnection cannot turn it off)
        // and a delayed ACK on the server, every request then waited about 1.3 ms for nothing.
        // Buffered, the whole request leaves in one write.
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        if (status != 200) {
            try (InputStream error = connection.getErrorStream()) {
                throw new IOException("POST " + execute + " answered " + status + ": "
                        + (error == null ? "" : new String(error.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        JsonNode answer;
        // Reading the body to its end and closing the stream returns the connection to the keep-alive cache.
        try (InputStream in = connection.getInputStream()) {
            answer = JSON.readTree(in.readAllBytes());
        }
        JsonNode results = answer.get("results");
        if (results == null || results.size() != 1 || results.get(0).get("rows_affected").asLong() != 1
                || !answer.hasNonNull("txid")) {
            throw new IOException("insert acknowledged with unexpected answer " + answer);
        }
    }
}
