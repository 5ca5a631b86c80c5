package dev.ferry.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionStoreTest {
    @TempDir
    Path tmp;

    @Test
    void read_missingFile_empty() throws IOException {
        assertEquals(Optional.empty(), new PositionStore(tmp.resolve("x.db-pos")).read());
    }

    @Test
    void write_thenRead_returnsLatestPositionAndLeavesNoTemporaryFile() throws IOException {
        try (PositionStore store = new PositionStore(tmp.resolve("x.db-pos"))) {
            store.write(new Position(7, 0x8000000000000abcL), true);
            store.write(new Position(8, 0x8000000000000abdL), false);
            assertEquals(Optional.of(new Position(8, 0x8000000000000abdL)), store.read());
        }
        try (PositionStore reopened = new PositionStore(tmp.resolve("x.db-pos"))) {
            reopened.write(new Position(9, 0x8000000000000abeL), false);
            assertEquals(9, reopened.read().orElseThrow().txid());
        }
        assertEquals("0000000000000009/8000000000000abe\n", Files.readString(tmp.resolve("x.db-pos")));
        assertFalse(Files.exists(tmp.resolve("x.db-pos.tmp")));
    }

    @Test
    void read_leftoverTemporaryFile_ignored() throws IOException {
        try (PositionStore store = new PositionStore(tmp.resolve("x.db-pos"))) {
            store.write(new Position(3, 0x8000000000000003L), false);
            Files.writeString(tmp.resolve("x.db-pos.tmp"), "garbage");
            assertEquals(3, store.read().orElseThrow().txid());
        }
    }

    @Test
    void read_corruptFile_throwsNamingPath() throws IOException {
        Files.writeString(tmp.resolve("x.db-pos"), "nonsense");
        IOException e = assertThrows(IOException.class, () -> new PositionStore(tmp.resolve("x.db-pos")).read());
        assertTrue(e.getMessage().contains("x.db-pos"), e.getMessage());
    }
}
