package dev.ferry.protocol.changeset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.protocol.checksum.PageChecksums;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes the changeset test vectors read by {@link ChangesetVectorsTest}. Not a test; run by hand
 * after adding a case:
 *
 * <pre>
 * mvn -q -o -pl protocol test-compile
 * java -cp protocol/target/classes:protocol/target/test-classes:ZSTD_JNI_JAR:JACKSON_JARS \
 *     dev.ferry.protocol.changeset.ChangesetVectorWriter protocol/src/test/resources/dev/ferry/protocol/vectors/changeset
 * </pre>
 *
 * <p>Vectors are append-only: this writer never overwrites an existing file, so a shipped vector
 * cannot change by accident (zstd output, for one, may differ between library versions). To add a
 * case, add it below and run the writer; the existing files stay as they are.
 *
 * <p>The positive cases form a small history of one 512-byte-page database, with real checksums:
 * txid 1 creates it with one page, txid 2 grows it to three, txid 3 changes no page, txid 4 grows
 * it to four with compressible pages.
 */
public final class ChangesetVectorWriter {
    private static final int PAGE_SIZE = 512;
    /** 2026-11-21T00:00:00Z. */
    private static final long T0 = 1_795_219_200_000L;

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final HexFormat hex = HexFormat.of();

    private ChangesetVectorWriter(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ChangesetVectorWriter OUTPUT_DIR");
        }
        new ChangesetVectorWriter(Path.of(args[0])).writeAll();
    }

    private void writeAll() throws IOException {
        Files.createDirectories(dir);
        Changeset tx1 = history(1, PageChecksums.EMPTY, 1, new int[] {1}, false);
        Changeset tx2 = history(2, tx1.postChecksum(), 3, new int[] {1, 2, 3}, false);
        Changeset tx3 = new Changeset(3, T0 + 3000, PAGE_SIZE, 3, tx2.postChecksum(), tx2.postChecksum(), List.of());
        Changeset tx4 = history(4, tx3.postChecksum(), 4, new int[] {1, 2, 3, 4}, true);

        byte[] single = ChangesetCodec.encode(tx1, false);
        positive("uncompressed-single-page", "txid 1 creates a one-page database; pages stored uncompressed",
                tx1, single);
        positive("uncompressed-multiple-pages", "txid 2 grows the database to three pages, all rewritten",
                tx2, ChangesetCodec.encode(tx2, false));
        positive("empty-page-list", "txid 3 changes no page: n = 0, m = 0, a 64-byte record",
                tx3, ChangesetCodec.encode(tx3, false));
        byte[] zstd = ChangesetCodec.encode(tx4, true);
        if (zstd[ChangesetCodec.OFF_COMPRESSION] != ChangesetCodec.COMPRESSION_ZSTD) {
            throw new IllegalStateException("tx4 pages did not compress");
        }
        positive("zstd-compressed", "txid 4 grows the database to four compressible pages, stored as one zstd "
                + "frame; zstd output may differ across library versions, so check fields, not bytes", tx4, zstd);

        negative("truncated", "the uncompressed-single-page record without its last 10 bytes",
                Arrays.copyOf(single, single.length - 10),
                "length field says " + single.length + " but " + (single.length - 10) + " bytes were given");
        negative("truncated-header", "the first 8 bytes of a record: not even the record length",
                Arrays.copyOf(single, 8), "changeset truncated: 8 bytes");
        negative("over-length", "record length field 0xfffffff0, above the maximum record size",
                patchInt(single, ChangesetCodec.OFF_LENGTH, 0xfffffff0), "record length 4294967280 is outside");
        negative("bad-magic", "magic \"LTX1\" instead of \"FCS1\"",
                patchInt(single, ChangesetCodec.OFF_MAGIC, 0x4c545831), "bad changeset magic 0x4c545831");
        negative("unsupported-version", "format version 2",
                patchByte(single, ChangesetCodec.OFF_VERSION, 2), "unsupported changeset version 2");
        byte[] badCrc = single.clone();
        badCrc[ChangesetCodec.OFF_PGNOS + 4 + 4 + 100] ^= 0x01;
        negative("bad-crc", "one bit of the page image flipped, CRC-32C left as it was", badCrc,
                "CRC-32C mismatch");
        negative("reserved-nonzero", "reserved bytes 0x0001 (CRC-32C recomputed)",
                patchByte(single, ChangesetCodec.OFF_RESERVED + 1, 1), "reserved bytes are 0x1, not zero");
        negative("unknown-compression", "compression 2 (CRC-32C recomputed)",
                patchByte(single, ChangesetCodec.OFF_COMPRESSION, 2), "unknown compression 2");
    }

    /** A changeset of this history: the named pages, and the post-checksum of pages 1..commitPages. */
    private static Changeset history(long txid, long pre, int commitPages, int[] pgnos, boolean compressible) {
        List<Changeset.Page> pages = new ArrayList<>();
        for (int pgno : pgnos) {
            pages.add(new Changeset.Page(pgno, page(txid, pgno, compressible)));
        }
        if (pgnos.length != commitPages) {
            throw new IllegalArgumentException("history changesets rewrite every page, so the checksum is known");
        }
        byte[] image = new byte[commitPages * PAGE_SIZE];
        for (Changeset.Page p : pages) {
            System.arraycopy(p.data(), 0, image, (p.pgno() - 1) * PAGE_SIZE, PAGE_SIZE);
        }
        long post = PageChecksums.ofImage(PAGE_SIZE, image).databaseChecksum();
        return new Changeset(txid, T0 + txid * 1000, PAGE_SIZE, commitPages, pre, post, pages);
    }

    /** A page of readable text: "ferry vector txid T page P" repeated; the compressible form pads with '.'. */
    private static byte[] page(long txid, int pgno, boolean compressible) {
        byte[] page = new byte[PAGE_SIZE];
        byte[] line = String.format("ferry vector txid %d page %d %s\n", txid, pgno, compressible ? "" : "#")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < PAGE_SIZE; i++) {
            page[i] = compressible && i >= line.length ? (byte) '.' : line[i % line.length];
        }
        if (!compressible) {
            // Vary the uncompressed pages so no two lines are alike.
            for (int i = line.length - 2; i < PAGE_SIZE; i += line.length) {
                page[i] = (byte) ('a' + (i / line.length) % 26);
            }
        }
        return page;
    }

    private void positive(String name, String description, Changeset cs, byte[] bytes) throws IOException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("description", description);
        v.put("hex", hex.formatHex(bytes));
        v.put("compression", bytes[ChangesetCodec.OFF_COMPRESSION] == ChangesetCodec.COMPRESSION_ZSTD ? "zstd" : "none");
        v.put("txid", cs.txid());
        v.put("timestamp_ms", cs.timestampMs());
        v.put("page_size", cs.pageSize());
        v.put("commit_pages", cs.commitPages());
        v.put("pre_checksum", String.format("%016x", cs.preChecksum()));
        v.put("post_checksum", String.format("%016x", cs.postChecksum()));
        List<Map<String, Object>> pages = new ArrayList<>();
        for (Changeset.Page p : cs.pages()) {
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("pgno", p.pgno());
            page.put("data_hex", hex.formatHex(p.data()));
            pages.add(page);
        }
        v.put("pages", pages);
        write(name, v);
    }

    private void negative(String name, String description, byte[] bytes, String error) throws IOException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("description", description);
        v.put("hex", hex.formatHex(bytes));
        v.put("error", error);
        write(name, v);
    }

    private void write(String name, Map<String, Object> vector) throws IOException {
        Path file = dir.resolve(name + ".json");
        if (Files.exists(file)) {
            System.err.println("kept " + file + " (vectors are append-only)");
            return;
        }
        Files.write(file, (json.writeValueAsString(vector) + "\n").getBytes(StandardCharsets.UTF_8));
        System.err.println("wrote " + file);
    }

    /** A copy with one big-endian int changed and the CRC-32C recomputed. */
    private static byte[] patchInt(byte[] record, int off, int value) {
        byte[] b = record.clone();
        ByteBuffer.wrap(b).putInt(off, value);
        return withCrc(b);
    }

    /** A copy with one byte changed and the CRC-32C recomputed. */
    private static byte[] patchByte(byte[] record, int off, int value) {
        byte[] b = record.clone();
        b[off] = (byte) value;
        return withCrc(b);
    }

    private static byte[] withCrc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }
}
