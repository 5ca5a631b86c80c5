package dev.ferry.systemtest.harness;

import java.util.List;

/**
 * The crash workload's data: request {@code req} inserts exactly two rows, ids {@code 2*req} and
 * {@code 2*req+1}, in one execute request, so that a half-applied request is visible as a lone row.
 * Payload sizes are derived from {@code req} (some rows exceed a 4 KiB page and so use overflow
 * pages), which lets a reader check a row's content without the ledger.
 */
public final class PairedInserts {
    public static final String CREATE_TABLE = "CREATE TABLE pairs (id INTEGER PRIMARY KEY, req INTEGER NOT NULL,"
            + " part INTEGER NOT NULL, writer INTEGER NOT NULL, payload TEXT NOT NULL)";
    /** One row per line, the same text through HTTP and through python3's sqlite3. */
    public static final String SELECT_ROWS =
            "SELECT id, req, part, writer, length(payload), substr(payload, 1, 1) FROM pairs ORDER BY id";
    private static final String INSERT =
            "INSERT INTO pairs (id, req, part, writer, payload) VALUES (?, ?, ?, ?, ?)";

    private PairedInserts() {}

    /** The two statements of request {@code req} sent by {@code writer}. */
    public static List<List<Object>> statements(long req, int writer) {
        return List.of(row(req, 0, writer), row(req, 1, writer));
    }

    private static List<Object> row(long req, int part, int writer) {
        return List.of(INSERT, 2 * req + part, req, part, writer, payload(req, part));
    }

    static String payload(long req, int part) {
        return String.valueOf(payloadChar(req)).repeat(payloadLength(req, part));
    }

    static int payloadLength(long req, int part) {
        long mix = (req * 0x9E3779B97F4A7C15L + part) >>> 40;
        return mix % 8 == 0 ? 5000 + (int) (mix % 2000) : 1 + (int) (mix % 200);
    }

    static char payloadChar(long req) {
        return (char) ('a' + (int) (req % 26));
    }
}
