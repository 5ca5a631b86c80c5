package dev.ferry.protocol.changeset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.protocol.checksum.PageChecksums;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every changeset test vector in {@code vectors/changeset/} (see docs/protocol.md, "Test
 * vectors"). A positive vector is decoded and compared field by field; an uncompressed one must
 * also re-encode to the same bytes, both from the decoded changeset and from the JSON fields. A
 * zstd vector is compared by fields only, re-encoded and decoded again, because zstd output may
 * differ between library versions. A negative vector must fail to decode with a {@link
 * CorruptChangesetException} whose message contains the vector's {@code error}.
 *
 * <p>Vectors are append-only: never edit or delete a shipped file; add a new case instead.
 */
class ChangesetVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** Cases that docs/protocol.md lists; deleting one fails this test. */
    private static final List<String> DOCUMENTED_CASES = List.of(
            "uncompressed-single-page", "uncompressed-multiple-pages", "empty-page-list", "zstd-compressed",
            "truncated", "truncated-header", "over-length", "bad-magic", "unsupported-version", "bad-crc",
            "reserved-nonzero", "unknown-compression");

    static Path vectorDir() throws URISyntaxException {
        return Path.of(ChangesetVectorsTest.class.getResource("/dev/ferry/protocol/vectors/changeset").toURI());
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
    void decode_vector_matchesExpectation(Path file) throws Exception {
        JsonNode v = JSON.readTree(file.toFile());
        byte[] bytes = HEX.parseHex(v.get("hex").asText());
        if (v.has("error")) {
            String error = v.get("error").asText();
            CorruptChangesetException e = assertThrows(CorruptChangesetException.class, () -> ChangesetCodec.decode(bytes));
            assertTrue(e.getMessage().contains(error), "message \"" + e.getMessage() + "\" lacks \"" + error + "\"");
            return;
        }
        Changeset expected = fromJson(v);
        Changeset decoded = ChangesetCodec.decode(bytes);
        TestChangesets.assertSameFields(expected, decoded);

        String compression = v.get("compression").asText();
        assertEquals(compression.equals("zstd") ? ChangesetCodec.COMPRESSION_ZSTD : ChangesetCodec.COMPRESSION_NONE,
                bytes[ChangesetCodec.OFF_COMPRESSION], "compression byte");
        if (compression.equals("none")) {
            assertArrayEquals(bytes, ChangesetCodec.encode(decoded, false), "re-encoding the decoded changeset");
            assertArrayEquals(bytes, ChangesetCodec.encode(expected, false), "encoding the vector's fields");
        } else {
            assertEquals("zstd", compression);
            byte[] again = ChangesetCodec.encode(expected, true);
            assertEquals(ChangesetCodec.COMPRESSION_ZSTD, again[ChangesetCodec.OFF_COMPRESSION]);
            TestChangesets.assertSameFields(expected, ChangesetCodec.decode(again));
        }
        assertPostChecksumWhenWholeDatabase(expected);
    }

    /** A vector that rewrites pages 1..commit_pages carries the whole database: its checksum is known. */
    private static void assertPostChecksumWhenWholeDatabase(Changeset cs) {
        if (cs.pages().size() != cs.commitPages() || cs.pages().isEmpty()) {
            return;
        }
        PageChecksums sums = new PageChecksums(cs.pageSize());
        sums.resize(cs.commitPages());
        for (Changeset.Page page : cs.pages()) {
            sums.setPage(page.pgno(), page.data());
        }
        assertEquals(-1, sums.firstMissingPage());
        assertEquals(String.format("%016x", sums.databaseChecksum()), String.format("%016x", cs.postChecksum()),
                "post_checksum is the database checksum of the pages");
        assertNotEquals(cs.preChecksum(), cs.postChecksum());
    }

    private static Changeset fromJson(JsonNode v) {
        List<Changeset.Page> pages = new ArrayList<>();
        for (JsonNode p : v.get("pages")) {
            pages.add(new Changeset.Page(p.get("pgno").asInt(), HEX.parseHex(p.get("data_hex").asText())));
        }
        return new Changeset(
                v.get("txid").asLong(),
                v.get("timestamp_ms").asLong(),
                v.get("page_size").asInt(),
                v.get("commit_pages").asInt(),
                Long.parseUnsignedLong(v.get("pre_checksum").asText(), 16),
                Long.parseUnsignedLong(v.get("post_checksum").asText(), 16),
                pages);
    }
}
