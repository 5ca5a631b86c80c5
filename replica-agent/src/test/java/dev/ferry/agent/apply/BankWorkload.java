package dev.ferry.agent.apply;

import dev.ferry.protocol.changeset.Changeset;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The bank workload: transfers keep the sum of balances constant; accounts are opened and closed
 * with their balance moved; blobs with stored lengths and CRC-32s are inserted and deleted so the
 * database grows and shrinks; every transaction bumps meta.seq; VACUUM runs now and then.
 */
final class BankWorkload {
    static final int INITIAL_ACCOUNTS = 200;
    static final long TOTAL = INITIAL_ACCOUNTS * 1000L;

    private final SourceDatabase source;
    private final Random rnd;
    private final int vacuumEvery;
    private final int maxBlobBytes;
    private int count;

    BankWorkload(SourceDatabase source, long seed, int vacuumEvery, int maxBlobBytes) {
        this.source = source;
        this.rnd = new Random(seed);
        this.vacuumEvery = vacuumEvery;
        this.maxBlobBytes = maxBlobBytes;
    }

    void createSchema() throws SQLException {
        try (Statement st = source.connection().createStatement()) {
            st.execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
            st.execute("CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
            st.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB NOT NULL, len INTEGER NOT NULL,"
                    + " crc INTEGER NOT NULL)");
            st.execute("CREATE INDEX blobs_len ON blobs(len)");
            st.execute("INSERT INTO meta VALUES('seq', 0)");
            st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<" + INITIAL_ACCOUNTS
                    + ") INSERT INTO accounts SELECT i, 1000 FROM n");
        }
        for (int i = 0; i < 20; i++) {
            insertBlob(source.connection());
        }
    }

    /** The next transaction's changeset (a VACUUM every {@code vacuumEvery}). */
    Changeset next() throws SQLException, IOException {
        count++;
        if (vacuumEvery > 0 && count % vacuumEvery == 0) {
            Changeset cs = source.autocommit("VACUUM");
            if (cs != null) {
                return cs;
            }
        }
        int op = rnd.nextInt(100);
        return source.transaction(c -> {
            if (op < 70) {
                transfer(c);
            } else if (op < 80) {
                for (int i = rnd.nextInt(3); i >= 0; i--) {
                    insertBlob(c);
                }
            } else if (op < 88) {
                deleteBlobs(c, 1 + rnd.nextInt(op < 86 ? 2 : 15));
            } else if (op < 94) {
                openAccount(c);
            } else {
                closeAccount(c);
            }
            exec(c, "UPDATE meta SET v = v + 1 WHERE k = 'seq'");
        });
    }

    private void transfer(Connection c) throws SQLException {
        long from = randomAccount(c);
        long to = randomAccount(c);
        long amount = rnd.nextInt(50);
        update(c, "UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
        update(c, "UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
    }

    private void openAccount(Connection c) throws SQLException {
        long from = randomAccount(c);
        long id = scalar(c, "SELECT max(id) + 1 FROM accounts");
        update(c, "UPDATE accounts SET balance = balance - 10 WHERE id = ?", from);
        update(c, "INSERT INTO accounts VALUES(?, 10)", id);
    }

    private void closeAccount(Connection c) throws SQLException {
        if (scalar(c, "SELECT count(*) FROM accounts") < 20) {
            transfer(c);
            return;
        }
        long victim = randomAccount(c);
        long heir = scalar(c, "SELECT min(id) FROM accounts WHERE id != " + victim);
        update(c, "UPDATE accounts SET balance = balance + (SELECT balance FROM accounts WHERE id = ?) WHERE id = ?",
                victim, heir);
        update(c, "DELETE FROM accounts WHERE id = ?", victim);
    }

    private void insertBlob(Connection c) throws SQLException {
        int len = rnd.nextInt(10) == 0 ? rnd.nextInt(maxBlobBytes) : rnd.nextInt(Math.min(2000, maxBlobBytes));
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        CRC32 crc = new CRC32();
        crc.update(data);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO blobs(data, len, crc) VALUES(?, ?, ?)")) {
            ps.setBytes(1, data);
            ps.setInt(2, len);
            ps.setLong(3, crc.getValue());
            ps.executeUpdate();
        }
    }

    private void deleteBlobs(Connection c, int n) throws SQLException {
        // A seeded order, not SQLite's random(): the same seed must give the same history, so
        // that whether the database grows and shrinks does not change from run to run.
        long k = 1 + rnd.nextInt(1_000_000);
        update(c, "DELETE FROM blobs WHERE id IN (SELECT id FROM blobs ORDER BY (id * " + k + ") % 1000003 LIMIT ?)", n);
    }

    private long randomAccount(Connection c) throws SQLException {
        return scalar(c, "SELECT id FROM accounts LIMIT 1 OFFSET abs(" + rnd.nextInt() + ") % (SELECT count(*) FROM accounts)");
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void update(Connection c, String sql, long... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setLong(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
