package dev.ferry.primary.stream;

import com.github.luben.zstd.Zstd;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The primary's stream-thread work for 256 MiB of snapshot chunks of 1 MiB (half random, half
 * zeros, as replication-bench's database), read from a page-cached file: the path before branch
 * {@code boot} (read into a new heap array, copy it, {@code Zstd.compress} into new arrays) against
 * {@link SnapshotSender#readChunk}'s now (read into a pooled direct buffer, compress direct to
 * direct). Interleaved round by round; CPU time of the measuring thread, so time-sharing does not
 * count (the old path's garbage collection, on other threads, does not either). A test-scope main,
 * not a test.
 *
 * <pre>
 * mvn -q -o -DskipTests package
 * java -XX:+UseSerialGC -cp primary/target/ferry-primary.jar:primary/target/test-classes \
 *     dev.ferry.primary.stream.SnapshotChunkBenchmark /tmp/chunk-bench.db
 * </pre>
 */
public final class SnapshotChunkBenchmark {
    private static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 256;
    private static final int PAGE = 4096;
    private static final int ROUNDS = 8;
    private static final int WARM_UP = 2;

    private SnapshotChunkBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        write(file);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] cpu = new double[2][ROUNDS];
        long sink = 0;
        try (FileChannel in = FileChannel.open(file)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int variant = 0; variant < 2; variant++) {
                    long start = mx.getCurrentThreadCpuTime();
                    for (int c = 0; c < CHUNKS; c++) {
                        SnapshotChunkFrame chunk = variant == 0 ? before(in, c) : now(in, c);
                        sink += chunk.data().readableBytes();
                        chunk.release();
                    }
                    cpu[variant][round] = (mx.getCurrentThreadCpuTime() - start) / 1e9;
                }
            }
        } finally {
            Files.delete(file);
        }
        String[] names = {"before: heap arrays", "now: pooled direct buffers"};
        for (int v = 0; v < 2; v++) {
            double[] warm = Arrays.copyOfRange(cpu[v], WARM_UP, ROUNDS);
            Arrays.sort(warm);
            System.out.printf(Locale.ROOT, "%-28s median %.2f CPU s per GiB (min %.2f, max %.2f)%n", names[v],
                    warm[warm.length / 2] * 4, warm[0] * 4, warm[warm.length - 1] * 4);
        }
        System.out.println("(sink " + (sink & 1) + ")");
    }

    private static void write(Path file) throws IOException {
        Random random = new Random(20261121);
        byte[] raw = new byte[CHUNK];
        byte[] noise = new byte[32768];
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int c = 0; c < CHUNKS; c++) {
                for (int off = 0; off < CHUNK; off += 2 * noise.length) {
                    random.nextBytes(noise);
                    System.arraycopy(noise, 0, raw, off, noise.length);
                    Arrays.fill(raw, off + noise.length, off + 2 * noise.length, (byte) 0);
                }
                ByteBuffer buf = ByteBuffer.wrap(raw);
                while (buf.hasRemaining()) {
                    out.write(buf, (long) c * CHUNK + buf.position());
                }
            }
        }
    }

    private static void readFully(FileChannel in, ByteBuffer into, long at) throws IOException {
        long p = at;
        while (into.hasRemaining()) {
            p += in.read(into, p);
        }
    }

    private static SnapshotChunkFrame before(FileChannel in, int c) throws IOException {
        byte[] pages = new byte[CHUNK];
        readFully(in, ByteBuffer.wrap(pages), (long) c * CHUNK);
        ByteBuf input = Unpooled.wrappedBuffer(pages);
        byte[] packed = Zstd.compress(ByteBufUtil.getBytes(input), 1);
        input.release();
        return new SnapshotChunkFrame("db", c * (CHUNK / PAGE) + 1, CHUNK / PAGE, PAGE,
                SnapshotChunkFrame.COMPRESSION_ZSTD, Unpooled.wrappedBuffer(packed));
    }

    private static SnapshotChunkFrame now(FileChannel in, int c) throws IOException {
        ByteBuf pages = PooledByteBufAllocator.DEFAULT.directBuffer(CHUNK, CHUNK);
        readFully(in, pages.nioBuffer(0, CHUNK), (long) c * CHUNK);
        pages.writerIndex(CHUNK);
        return SnapshotChunkFrame.of("db", c * (CHUNK / PAGE) + 1, PAGE, pages);
    }
}
