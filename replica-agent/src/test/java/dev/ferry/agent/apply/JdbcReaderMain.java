package dev.ferry.agent.apply;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.zip.CRC32;
import org.sqlite.SQLiteConfig;

/**
 * Bank invariant reader in a JVM of its own (sqlite-jdbc, read-only, default locking), started by
 * the tests as a child process. Arguments: DB STOPFILE TOTAL SEED. Prints one JSON line at the end.
 */
public final class JdbcReaderMain {
    private long txns;
    private long violations;
    private long errors;
    private long quickChecks;
    private String firstProblem;

    public static void main(String[] args) throws Exception {
        new JdbcReaderMain().run(Path.of(args[0]), Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
    }

    private void run(Path db, Path stop, long total, long seed) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(30_000);
        Random rnd = new Random(seed);
        long lastSeq = -1;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties())) {
            c.setAutoCommit(false);
            while (!Files.exists(stop)) {
                try {
                    lastSeq = check(c, rnd, total, lastSeq);
                    c.commit();
                    txns++;
                } catch (SQLException e) {
                    problem(false, e.toString());
                    c.rollback();
                }
            }
        }
        System.out.println("{\"mode\": \"jdbc\", \"txns\": " + txns + ", \"violations\": " + violations + ", \"errors\": "
                + errors + ", \"quick_checks\": " + quickChecks + ", \"max_seq\": " + lastSeq + ", \"first_problem\": "
                + (firstProblem == null ? "null" : "\"" + firstProblem.replace("\"", "'") + "\"") + "}");
    }

    private long check(Connection c, Random rnd, long total, long lastSeq) throws SQLException {
        long seq;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT v FROM meta WHERE k = 'seq'")) {
                rs.next();
                seq = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT sum(balance) FROM accounts")) {
                rs.next();
                if (rs.getLong(1) != total) {
                    problem(true, "sum " + rs.getLong(1) + " at seq " + seq);
                }
            }
            if (seq < lastSeq) {
                problem(true, "seq went back from " + lastSeq + " to " + seq);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT data, len, crc FROM blobs WHERE id >= (SELECT abs(?) % (max(id) + 1) FROM blobs) ORDER BY id LIMIT 2")) {
                ps.setLong(1, rnd.nextInt());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] data = rs.getBytes(1);
                        CRC32 crc = new CRC32();
                        crc.update(data);
                        if (data.length != rs.getInt(2) || crc.getValue() != rs.getLong(3)) {
                            problem(true, "blob len/crc mismatch at seq " + seq);
                        }
                    }
                }
            }
            if (txns % 3000 == 0) {
                quickChecks++;
                try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                    rs.next();
                    if (!"ok".equals(rs.getString(1))) {
                        problem(true, "quick_check " + rs.getString(1));
                    }
                }
            }
        }
        return seq;
    }

    private void problem(boolean violation, String text) {
        if (violation) {
            violations++;
        } else {
            errors++;
        }
        if (firstProblem == null) {
            firstProblem = text;
        }
        System.err.println((violation ? "violation " : "error ") + text);
    }
}
