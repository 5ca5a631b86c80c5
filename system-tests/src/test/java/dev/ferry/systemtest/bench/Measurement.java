package dev.ferry.systemtest.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** One measured load: how many operations finished in how long, and their latencies in nanoseconds. */
record Measurement(String name, long operations, long elapsedNanos, Histogram latencyNanos) {
    double opsPerSecond() {
        return operations / (elapsedNanos / 1e9);
    }

    double percentileMillis(double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }

    double meanMillis() {
        return latencyNanos.getMean() / TimeUnit.MILLISECONDS.toNanos(1);
    }

    /** A fresh histogram for request latencies: 1 µs to 1 min at 3 significant digits. */
    static Histogram newLatencyHistogram() {
        return new Histogram(TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MINUTES.toNanos(1), 3);
    }
}
