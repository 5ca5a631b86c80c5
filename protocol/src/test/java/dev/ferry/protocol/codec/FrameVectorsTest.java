package dev.ferry.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HelloFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every frame test vector in {@code vectors/frames/} (docs/protocol.md, "Frame vectors"). A
 * positive vector must decode, at every split of its bytes, to the frame its fields describe, and
 * those fields must encode to its bytes exactly. A negative vector must fail, at every split, with
 * its exception and a message containing its {@code error}.
 *
 * <p>Vectors are append-only: never edit or delete a shipped file; add a new case instead.
 */
class FrameVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** Cases that docs/protocol.md lists; deleting one fails this test. */
    private static final List<String> DOCUMENTED_CASES = List.of(
            "hello", "hello-empty-token", "welcome", "error-unauthorized", "error-unknown-code", "subscribe",
            "subscribe-empty", "database-added", "database-removed", "snapshot-begin", "snapshot-chunk-uncompressed",
            "snapshot-chunk-zstd", "snapshot-end", "changeset-single", "changeset-first", "changeset-last", "ack",
            "heartbeat", "hello-unsupported-version", "truncated", "truncated-length", "over-length", "under-length",
            "unknown-type", "bad-crc", "hello-version-zero", "trailing-bytes", "string-over-limit",
            "changeset-reserved-flags", "subscribed", "subscribed-empty", "subscribed-partial", "hello-version-2",
            "hello-version-2-old-primary", "subscribed-truncated", "subscribed-reserved-flags", "subscribed-bad-name",
            "subscribed-duplicate-name", "subscribed-count-over-bytes");

    static Path vectorDir() throws URISyntaxException {
        return Path.of(FrameVectorsTest.class.getResource("/dev/ferry/protocol/vectors/frames").toURI());
    }

    static Stream<Path> vectors() throws IOException, URISyntaxException {
        List<Path> files;
        try (Stream<Path> list = Files.list(vectorDir())) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        return files.stream();
    }

    @Test
    void vectors_folder_holdsEveryDocumentedCase() throws Exception {
        for (String name : DOCUMENTED_CASES) {
            assertTrue(Files.exists(vectorDir().resolve(name + ".json")), "missing vector " + name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decode_vector_matchesExpectationAtEverySplit(Path file) throws Exception {
        JsonNode v = JSON.readTree(file.toFile());
        byte[] bytes = HEX.parseHex(v.get("hex").asText());
        if (v.has("error")) {
            for (int cut = 0; cut <= bytes.length; cut++) {
                int at = cut;
                RuntimeException e = assertThrows(RuntimeException.class, () -> FrameBytes.decode(bytes, at));
                assertEquals(v.get("exception").asText(), e.getClass().getSimpleName(), "split at " + cut);
                String error = v.get("error").asText();
                assertTrue(e.getMessage().contains(error), "message \"" + e.getMessage() + "\" lacks \"" + error + "\"");
            }
            return;
        }
        Frame expected = FrameJson.fromJson(v.get("type").asText(), v.get("fields"));
        try {
            for (int cut = 0; cut <= bytes.length; cut++) {
                List<Frame> decoded = FrameBytes.decode(bytes, cut);
                try {
                    assertEquals(List.of(expected), decoded, "split at " + cut);
                } finally {
                    decoded.forEach(ReferenceCountUtil::release);
                }
            }
            assertEquals(v.get("fields").toString(), FrameJson.toJson(expected).toString(), "fields survive the record");
            checkNegotiation(v, expected);
        } finally {
            assertArrayEquals(bytes, FrameBytes.encode(expected), "encoding the vector's fields");
        }
    }

    /**
     * A HELLO vector may say what a primary answers: a version, or UNSUPPORTED_VERSION. The primary's
     * own range is the vector's {@code primary_versions} ("1..2"); vectors written before it existed
     * were written for a primary speaking 1..1.
     */
    private static void checkNegotiation(JsonNode v, Frame frame) {
        if (!v.has("negotiation")) {
            return;
        }
        HelloFrame hello = (HelloFrame) frame;
        String expected = v.get("negotiation").asText();
        String[] primary = v.has("primary_versions") ? v.get("primary_versions").asText().split("\\.\\.")
                : new String[] {"1", "1"};
        var version = ProtocolVersion.negotiate(hello.minVersion(), hello.maxVersion(),
                Integer.parseInt(primary[0]), Integer.parseInt(primary[1]));
        assertEquals(expected, version.isEmpty() ? "UNSUPPORTED_VERSION" : String.valueOf(version.getAsInt()));
    }
}
