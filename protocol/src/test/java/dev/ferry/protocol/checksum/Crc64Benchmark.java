package dev.ferry.protocol.checksum;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Page-checksum throughput of {@link Crc64#update} against the loop it replaced (slicing-by-8 over one
 * 2048-entry table, one lane), in the same JVM, interleaved round by round. A test-scope main, not a
 * test: nothing asserts a speed. Throughput is per CPU second of the measuring thread
 * ({@link ThreadMXBean#getCurrentThreadCpuTime}), so time-sharing on a busy machine does not count.
 *
 * <pre>
 * mvn -q -o -pl protocol test-compile
 * java -XX:TieredStopAtLevel=1 -cp protocol/target/classes:protocol/target/test-classes \
 *     dev.ferry.protocol.checksum.Crc64Benchmark
 * </pre>
 */
public final class Crc64Benchmark {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long[] OLD_SLICES = oldSlices();

    private Crc64Benchmark() {}

    public static void main(String[] args) {
        int pageSize = 4096;
        byte[] data = new byte[pageSize * 64];
        new Random(20261121).nextBytes(data);
        if (oldUpdate(~0L, data, 0, data.length) != Crc64.update(~0L, data, 0, data.length)) {
            throw new AssertionError("old and new loops disagree");
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int rounds = 15;
        double[][] gbPerCpuSecond = new double[2][rounds];
        long sink = 0;
        for (int round = 0; round < rounds; round++) {
            for (int variant = 0; variant < 2; variant++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int rep = 0; rep < 40; rep++) {
                    for (int p = 0; p < 64; p++) {
                        sink ^= variant == 0 ? oldUpdate(~0L, data, p * pageSize, pageSize)
                                : Crc64.update(~0L, data, p * pageSize, pageSize);
                    }
                }
                double seconds = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
                gbPerCpuSecond[variant][round] = 40.0 * data.length / seconds / 1e9;
            }
        }
        String[] names = {"old: slicing-by-8, one table, one lane", "new: Crc64.update (two lanes, eight tables)"};
        for (int v = 0; v < 2; v++) {
            double[] warm = Arrays.copyOfRange(gbPerCpuSecond[v], 5, rounds);
            Arrays.sort(warm);
            System.out.printf(Locale.ROOT, "%-46s median %.2f GB/s, max %.2f GB/s per CPU second (%d warm rounds)%n",
                    names[v], warm[warm.length / 2], warm[warm.length - 1], warm.length);
        }
        System.out.println("(sink " + (sink & 1) + ")");
    }

    private static long[] oldSlices() {
        long[] slices = new long[8 * 256];
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ Crc64.POLY_REFLECTED : crc >>> 1;
            }
            slices[i] = crc;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                long prev = slices[(k - 1) * 256 + i];
                slices[k * 256 + i] = (prev >>> 8) ^ slices[(int) (prev & 0xff)];
            }
        }
        return slices;
    }

    /** The loop {@link Crc64#update} had before 2026-11-21 (lengths that are a multiple of 8 only). */
    private static long oldUpdate(long state, byte[] data, int off, int len) {
        long[] s = OLD_SLICES;
        long crc = state;
        for (int i = off, end = off + len; i < end; i += 8) {
            crc ^= (long) LONG_LE.get(data, i);
            crc = s[7 * 256 + (int) (crc & 0xff)] ^ s[6 * 256 + (int) ((crc >>> 8) & 0xff)]
                    ^ s[5 * 256 + (int) ((crc >>> 16) & 0xff)] ^ s[4 * 256 + (int) ((crc >>> 24) & 0xff)]
                    ^ s[3 * 256 + (int) ((crc >>> 32) & 0xff)] ^ s[2 * 256 + (int) ((crc >>> 40) & 0xff)]
                    ^ s[256 + (int) ((crc >>> 48) & 0xff)] ^ s[(int) (crc >>> 56)];
        }
        return crc;
    }
}
