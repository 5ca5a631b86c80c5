package dev.ferry.protocol.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.protocol.frame.AckFrame;
import dev.ferry.protocol.frame.ChangesetFrame;
import dev.ferry.protocol.frame.DatabaseAddedFrame;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.DatabaseRemovedFrame;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.SubscribedFrame;
import dev.ferry.protocol.frame.WelcomeFrame;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the frame test vectors read by {@link FrameVectorsTest}. Not a test; run by hand after
 * adding a case, like {@code ChangesetVectorWriter}:
 *
 * <pre>
 * mvn -q -o -pl protocol test-compile
 * java -cp protocol/target/classes:protocol/target/test-classes:NETTY_JARS:ZSTD_JNI_JAR:JACKSON_JARS \
 *     dev.ferry.protocol.codec.FrameVectorWriter protocol/src/test/resources/dev/ferry/protocol/vectors/frames
 * </pre>
 *
 * <p>Append-only: the writer never overwrites an existing file. The positions and checksums are
 * those of the changeset vectors' small database, and the CHANGESET vectors carry its changesets.
 */
public final class FrameVectorWriter {
    /** Position after txid 1 of the changeset vectors. */
    private static final long SUM1 = 0xfdb3b09ac419dd32L;
    /** Position after txid 3 of the changeset vectors. */
    private static final long SUM3 = 0xf84a5fcb1400d19fL;
    /** 2026-11-21T00:00:00Z. */
    private static final long T0 = 1_795_219_200_000L;

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final HexFormat hex = HexFormat.of();

    private FrameVectorWriter(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: FrameVectorWriter OUTPUT_DIR");
        }
        new FrameVectorWriter(Path.of(args[0])).writeAll();
    }

    private void writeAll() throws IOException {
        Files.createDirectories(dir);
        positive("hello", "HELLO from agent \"agent-1\" speaking versions 1..1 with token \"s3cret\"",
                new HelloFrame(1, 1, "agent-1", "s3cret"));
        positive("hello-empty-token", "HELLO with a wider range 1..3 and no token", new HelloFrame(1, 3, "a", ""));
        positive("welcome", "WELCOME at version 1 from primary \"primary-1\", heartbeat every 1000 ms",
                new WelcomeFrame(1, "primary-1", 1000));
        positive("error-unauthorized", "ERROR UNAUTHORIZED (2)", new ErrorFrame(ErrorCode.UNAUTHORIZED, "wrong token"));
        positive("error-unknown-code", "ERROR with code 999, unknown to version 1: still decodes",
                new ErrorFrame(999, "from the future"));
        positive("subscribe", "SUBSCRIBE to \"orders\" and \"cust*\", holding orders at txid 1",
                new SubscribeFrame(List.of("orders", "cust*"), List.of(new DatabasePosition("orders", 1, SUM1))));
        positive("subscribe-empty", "SUBSCRIBE with no pattern and no position", new SubscribeFrame(List.of(), List.of()));
        positive("database-added", "DATABASE_ADDED \"customers\"", new DatabaseAddedFrame("customers"));
        positive("database-removed", "DATABASE_REMOVED \"old_db\"", new DatabaseRemovedFrame("old_db"));
        positive("snapshot-begin", "SNAPSHOT_BEGIN of orders at txid 3: 3 pages of 512 bytes",
                new SnapshotBeginFrame("orders", 3, SUM3, 512, 3));
        byte[] pages = new byte[2 * 512];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = (byte) (i % 251);
        }
        positive("snapshot-chunk-uncompressed", "SNAPSHOT_CHUNK of pages 2..3, uncompressed",
                new SnapshotChunkFrame("orders", 2, 2, 512, SnapshotChunkFrame.COMPRESSION_NONE,
                        Unpooled.wrappedBuffer(pages)));
        positive("snapshot-chunk-zstd", "SNAPSHOT_CHUNK of page 1, 512 zero bytes as one zstd frame",
                new SnapshotChunkFrame("orders", 1, 1, 512, SnapshotChunkFrame.COMPRESSION_ZSTD,
                        Unpooled.wrappedBuffer(Zstd.compress(new byte[512], 1))));
        positive("snapshot-end", "SNAPSHOT_END of orders at txid 3", new SnapshotEndFrame("orders", 3, SUM3));
        byte[] empty = changesetVector("empty-page-list");
        positive("changeset-single", "CHANGESET FIRST|LAST carrying the whole empty-page-list changeset (txid 3)",
                new ChangesetFrame("orders", ChangesetFrame.FIRST | ChangesetFrame.LAST, empty.length,
                        Unpooled.wrappedBuffer(empty)));
        byte[] single = changesetVector("uncompressed-single-page");
        positive("changeset-first", "CHANGESET FIRST: bytes 0..299 of the uncompressed-single-page changeset",
                new ChangesetFrame("orders", ChangesetFrame.FIRST, single.length,
                        Unpooled.wrappedBuffer(single, 0, 300)));
        positive("changeset-last", "CHANGESET LAST: bytes 300.. of the uncompressed-single-page changeset",
                new ChangesetFrame("orders", ChangesetFrame.LAST, single.length,
                        Unpooled.wrappedBuffer(single, 300, single.length - 300)));
        positive("ack", "ACK of orders at txid 3", new AckFrame("orders", 3, SUM3));
        positive("heartbeat", "HEARTBEAT at 2026-11-21T00:00:00Z", new HeartbeatFrame(T0));
        ObjectNode future = vector("HELLO from an agent that speaks only versions 2..3: the frame is valid; the "
                + "primary answers ERROR UNSUPPORTED_VERSION", new HelloFrame(2, 3, "agent-9", ""));
        future.put("negotiation", "UNSUPPORTED_VERSION");
        write("hello-unsupported-version", future);

        byte[] heartbeat = FrameBytes.encode(new HeartbeatFrame(T0));
        negative("truncated", "the heartbeat vector without its last byte, then the connection closes",
                Arrays.copyOf(heartbeat, heartbeat.length - 1), "TruncatedFrameException",
                "connection closed after 16 bytes of 17 bytes");
        negative("truncated-length", "two bytes of a length field, then the connection closes",
                Arrays.copyOf(heartbeat, 2), "TruncatedFrameException", "connection closed after 2 bytes");
        negative("over-length", "length field 4194310, one above the maximum 5 + 4 MiB; nothing else sent",
                ByteBuffer.allocate(4).putInt(FrameFormat.MAX_LENGTH + 1).array(), "FrameTooLargeException",
                "length field 4194310 is above the maximum 4194309");
        negative("under-length", "length field 4, below the minimum 5 (type and CRC-32C)",
                new byte[] {0, 0, 0, 4, 12, 0, 0, 0}, "CorruptFrameException", "length field 4 is below the minimum 5");
        negative("unknown-type", "type 13, unknown to version 1, with a correct CRC-32C",
                FrameBytes.raw(13, new byte[0]), "UnsupportedFrameException", "unknown frame type 13");
        byte[] badCrc = heartbeat.clone();
        badCrc[FrameFormat.PAYLOAD_OFFSET + 7] ^= 0x01;
        negative("bad-crc", "the heartbeat vector with one payload bit flipped, CRC-32C left as it was", badCrc,
                "CorruptFrameException", "CRC-32C mismatch");
        negative("hello-version-zero", "HELLO with minVersion 0: breaks HELLO rule 1",
                FrameBytes.raw(1, hex.parseHex("0000000100016100" + "00")), "CorruptFrameException",
                "HELLO payload: rule 1: minVersion 0 is below 1");
        negative("trailing-bytes", "HEARTBEAT with a 9-byte payload",
                FrameBytes.raw(12, hex.parseHex("000001a1fb671be800")), "CorruptFrameException",
                "1 trailing bytes after the last field at payload offset 8");
        negative("string-over-limit", "DATABASE_ADDED whose name length says 64 bytes, above the maximum 63",
                FrameBytes.raw(5, hex.parseHex("0040" + "61".repeat(64))), "CorruptFrameException",
                "db is 64 bytes at payload offset 0, above the maximum 63");
        negative("changeset-reserved-flags", "CHANGESET with flag bit 2 set: breaks CHANGESET rule 2",
                FrameBytes.raw(10, hex.parseHex("00016107" + "00000040" + "00".repeat(64))), "CorruptFrameException",
                "CHANGESET payload: rule 2: flags 0x7 set reserved bits");
        writeVersion2();
    }

    /** Cases of protocol version 2: SUBSCRIBED, and HELLOs a version 2 primary negotiates. */
    private void writeVersion2() throws IOException {
        positive("subscribed", "SUBSCRIBED COMPLETE naming tenant-1 and tenant-2",
                new SubscribedFrame(SubscribedFrame.COMPLETE, List.of("tenant-1", "tenant-2")));
        positive("subscribed-empty", "SUBSCRIBED COMPLETE naming no database: the patterns matched none",
                new SubscribedFrame(SubscribedFrame.COMPLETE, List.of()));
        positive("subscribed-partial", "SUBSCRIBED without COMPLETE: more names of the same answer follow",
                new SubscribedFrame(0, List.of("tenant-3")));
        ObjectNode current = vector("HELLO speaking versions 1..2: a primary speaking 1..2 picks 2",
                new HelloFrame(1, 2, "agent-2", ""));
        current.put("negotiation", "2");
        current.put("primary_versions", "1..2");
        write("hello-version-2", current);
        ObjectNode old = vector("HELLO speaking versions 1..2: a primary speaking only 1 picks 1",
                new HelloFrame(1, 2, "agent-2", ""));
        old.put("negotiation", "1");
        old.put("primary_versions", "1..1");
        write("hello-version-2-old-primary", old);
        byte[] subscribed = FrameBytes.encode(new SubscribedFrame(SubscribedFrame.COMPLETE, List.of("tenant-1")));
        negative("subscribed-truncated", "SUBSCRIBED naming tenant-1 without its last 3 bytes, then the connection closes",
                Arrays.copyOf(subscribed, subscribed.length - 3), "TruncatedFrameException",
                "connection closed after 21 bytes of 24 bytes");
        negative("subscribed-reserved-flags", "SUBSCRIBED with flag bit 1 set: breaks SUBSCRIBED rule 1",
                FrameBytes.raw(14, hex.parseHex("03" + "00000000")), "CorruptFrameException",
                "SUBSCRIBED payload: rule 1: flags 0x3 set reserved bits");
        negative("subscribed-bad-name", "SUBSCRIBED naming \"Tenant\", not a database name: breaks rule 2",
                FrameBytes.raw(14, hex.parseHex("01" + "00000001" + "0006" + "54656e616e74")), "CorruptFrameException",
                "SUBSCRIBED payload: rule 2: name \"Tenant\" is not a database name");
        negative("subscribed-duplicate-name", "SUBSCRIBED naming tenant-1 twice: breaks rule 3",
                FrameBytes.raw(14, hex.parseHex("01" + "00000002" + ("0008" + "74656e616e742d31").repeat(2))),
                "CorruptFrameException", "SUBSCRIBED payload: rule 3: name tenant-1 appears twice");
        negative("subscribed-count-over-bytes", "SUBSCRIBED whose name count says 4 with one name's 10 bytes",
                FrameBytes.raw(14, hex.parseHex("01" + "00000004" + "0008" + "74656e616e742d31")),
                "CorruptFrameException", "names count 4 at payload offset 1 needs more than the 10 bytes left");
    }

    private static byte[] changesetVector(String name) throws IOException {
        try (InputStream in = FrameVectorWriter.class.getResourceAsStream(
                "/dev/ferry/protocol/vectors/changeset/" + name + ".json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return HexFormat.of().parseHex(new ObjectMapper().readTree(text).get("hex").asText());
        }
    }

    /** A positive vector: the frame's bytes and fields. Takes ownership of {@code frame}. */
    private ObjectNode vector(String description, Frame frame) {
        ObjectNode v = json.createObjectNode();
        v.put("description", description);
        v.put("type", frame.type().name());
        v.set("fields", FrameJson.toJson(frame));
        v.put("hex", hex.formatHex(FrameBytes.encode(frame)));
        return v;
    }

    private void positive(String name, String description, Frame frame) throws IOException {
        write(name, vector(description, frame));
    }

    private void negative(String name, String description, byte[] bytes, String exception, String error)
            throws IOException {
        ObjectNode v = json.createObjectNode();
        v.put("description", description);
        v.put("hex", hex.formatHex(bytes));
        v.put("exception", exception);
        v.put("error", error);
        write(name, v);
    }

    private void write(String name, ObjectNode vector) throws IOException {
        Path file = dir.resolve(name + ".json");
        if (Files.exists(file)) {
            System.err.println("kept " + file + " (vectors are append-only)");
            return;
        }
        Files.write(file, (json.writeValueAsString(vector) + "\n").getBytes(StandardCharsets.UTF_8));
        System.err.println("wrote " + file);
    }
}
