package dev.ferry.agent.apply;

import com.github.luben.zstd.Zstd;
import dev.ferry.protocol.checksum.PageChecksum;
import io.netty.buffer.ByteBuf;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The bootstrap's apply-thread work for 256 MiB of 1 MiB zstd chunks (half random, half zeros, as
 * replication-bench's database): the path before branch {@code boot} (chunk to a heap array,
 * decompress to the heap, copy 256 KiB batches, checksum, copy to a direct buffer, write) against
 * the one {@link SnapshotInstaller} takes now (decompress direct to direct, checksum each page from
 * a page-sized copy, write the run). Interleaved round by round; CPU time of the measuring thread,
 * user and system, so the kernel's copy into the page cache counts and time-sharing does not. A
 * test-scope main, not a test: nothing asserts a speed. No fsync (the disk is not what is compared).
 *
 * <pre>
 * mvn -q -o -DskipTests package
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxDirectMemorySize=512m \
 *     -cp replica-agent/target/ferry-agent.jar:replica-agent/target/test-classes \
 *     dev.ferry.agent.apply.BootstrapApplyBenchmark /tmp/bootstrap-bench.db
 * </pre>
 */
public final class BootstrapApplyBenchmark {
    private static final int PAGE = 4096;
    private static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 256;
    private static final int ROUNDS = 8;
    private static final int WARM_UP = 2;
    private static long sink;

    private BootstrapApplyBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        List<byte[]> packed = chunks();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] cpu = new double[2][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int variant = 0; variant < 2; variant++) {
                List<ByteBuf> queued = new ArrayList<>();
                for (byte[] p : packed) {
                    // As the event loop queues them: unpooled copies before, pooled ones now.
                    ByteBuf copy = variant == 0 ? Unpooled.directBuffer(p.length)
                            : PooledByteBufAllocator.DEFAULT.directBuffer(p.length, p.length);
                    queued.add(copy.writeBytes(p));
                }
                long start = mx.getCurrentThreadCpuTime();
                try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    if (variant == 0) {
                        before(queued, out);
                    } else {
                        now(queued, out);
                    }
                }
                cpu[variant][round] = (mx.getCurrentThreadCpuTime() - start) / 1e9;
                Files.delete(file);
            }
        }
        String[] names = {"before: heap arrays and batch copies", "now: direct runs"};
        for (int v = 0; v < 2; v++) {
            double[] warm = Arrays.copyOfRange(cpu[v], WARM_UP, ROUNDS);
            Arrays.sort(warm);
            System.out.printf(Locale.ROOT, "%-38s median %.2f CPU s per GiB (min %.2f, max %.2f)%n", names[v],
                    warm[warm.length / 2] * 4, warm[0] * 4, warm[warm.length - 1] * 4);
        }
        System.out.println("(sink " + (sink & 1) + ")");
    }

    private static List<byte[]> chunks() {
        Random random = new Random(20261121);
        byte[] raw = new byte[CHUNK];
        byte[] noise = new byte[32768];
        List<byte[]> packed = new ArrayList<>();
        for (int c = 0; c < CHUNKS; c++) {
            for (int off = 0; off < CHUNK; off += 2 * noise.length) {
                random.nextBytes(noise);
                System.arraycopy(noise, 0, raw, off, noise.length);
                Arrays.fill(raw, off + noise.length, off + 2 * noise.length, (byte) 0);
            }
            packed.add(Zstd.compress(raw, 1));
        }
        return packed;
    }

    private static void before(List<ByteBuf> queued, FileChannel out) throws IOException {
        byte[] pages = new byte[CHUNK];
        byte[] packed = new byte[0];
        byte[] batch = new byte[256 << 10];
        ByteBuffer direct = ByteBuffer.allocateDirect(batch.length);
        long at = 0;
        int pgno = 1;
        for (ByteBuf data : queued) {
            int stored = data.readableBytes();
            if (packed.length < stored) {
                packed = new byte[stored];
            }
            data.getBytes(data.readerIndex(), packed, 0, stored);
            Zstd.decompressByteArray(pages, 0, CHUNK, packed, 0, stored);
            data.release();
            for (int off = 0; off < CHUNK; off += batch.length) {
                System.arraycopy(pages, off, batch, 0, batch.length);
                for (int i = 0; i < batch.length; i += PAGE) {
                    sink ^= PageChecksum.of(pgno++, batch, i, PAGE);
                }
                ByteBuffer buf = direct.clear().put(batch, 0, batch.length).flip();
                while (buf.hasRemaining()) {
                    at += out.write(buf, at);
                }
            }
        }
    }

    private static void now(List<ByteBuf> queued, FileChannel out) throws IOException {
        ByteBuffer pages = ByteBuffer.allocateDirect(CHUNK);
        byte[] page = new byte[PAGE];
        long at = 0;
        int pgno = 1;
        for (ByteBuf data : queued) {
            ByteBuffer src = data.nioBuffer();
            Zstd.decompressDirectByteBuffer(pages.clear().limit(CHUNK), 0, CHUNK, src, src.position(), src.remaining());
            data.release();
            for (int i = 0; i < CHUNK; i += PAGE) {
                pages.get(i, page);
                sink ^= PageChecksum.of(pgno++, page, 0, PAGE);
            }
            while (pages.hasRemaining()) {
                at += out.write(pages, at);
            }
        }
    }
}
