package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Figures of a running process from Linux's {@code /proc}: resident memory, CPU time, threads, descriptors. */
public final class ProcStatus {
    private ProcStatus() {}

    /** VmRSS of {@code pid} in bytes. */
    public static long residentBytes(long pid) {
        return statusKb(pid, "VmRSS:") * 1024;
    }

    /** RssAnon, RssFile (file-backed, e.g. libjvm.so and class-data archives) and RssShmem of {@code pid}, in bytes. */
    public static long[] residentBreakdownBytes(long pid) {
        return new long[] {statusKb(pid, "RssAnon:") * 1024, statusKb(pid, "RssFile:") * 1024,
                statusKb(pid, "RssShmem:") * 1024};
    }

    /**
     * Pss of {@code pid} in bytes (/proc/PID/smaps_rollup): resident memory with each shared page
     * divided by the number of processes mapping it.
     */
    public static long proportionalBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/" + pid + "/smaps_rollup", e);
        }
        throw new IllegalStateException("no Pss line in /proc/" + pid + "/smaps_rollup");
    }

    /** VmHWM (peak resident) of {@code pid} in bytes. */
    public static long peakResidentBytes(long pid) {
        return statusKb(pid, "VmHWM:") * 1024;
    }

    /** Threads of {@code pid} now (the Threads line of /proc/PID/status). */
    public static int threads(long pid) {
        return (int) statusKb(pid, "Threads:");
    }

    /** Open file descriptors of {@code pid} now (entries of /proc/PID/fd). */
    public static int openFds(long pid) {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException("list /proc/" + pid + "/fd", e);
        }
    }

    /** User plus system CPU time of {@code pid} in clock ticks (utime + stime of /proc/PID/stat). */
    public static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state); utime is field 14, stime field 15.
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/" + pid + "/stat", e);
        }
    }

    private static long statusKb(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/" + pid + "/status", e);
        }
        throw new IllegalStateException("no " + key + " in /proc/" + pid + "/status");
    }
}
