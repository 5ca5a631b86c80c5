package dev.ferry.agent.apply;

import dev.ferry.agent.state.Position;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.sqlite.SqliteFormat;
import dev.ferry.protocol.sqlite.WalChecksum;
import dev.ferry.protocol.sqlite.WalFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real SQLite database (sqlite-jdbc, WAL mode, wal_autocheckpoint=0) in its own directory that
 * plays the primary: after each commit it reads the new frames of its -wal (salts and checksum
 * chain checked, a transaction closed by its commit frame, last image per page) and turns them into
 * a {@link Changeset} with pre- and post-checksums from {@link PageChecksums}.
 */
final class SourceDatabase implements AutoCloseable {
    private final Path path;
    private final Path walPath;
    private final int pageSize;
    private final Connection conn;
    private final FileChannel walChannel;
    private PageChecksums sums;
    private long txid = 1;
    private long walOffset;
    private int salt1;
    private int salt2;
    private boolean bigEndian;
    private int s1;
    private int s2;

    SourceDatabase(Path dir, int pageSize) throws SQLException, IOException {
        Files.createDirectories(dir);
        this.path = dir.resolve("source.db");
        this.walPath = dir.resolve("source.db-wal");
        this.pageSize = pageSize;
        this.conn = DriverManager.getConnection("jdbc:sqlite:" + path);
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA page_size=" + pageSize);
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.execute("PRAGMA synchronous=OFF");
        }
        Files.createDirectories(dir);
        this.walChannel = FileChannel.open(walPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    Connection connection() {
        return conn;
    }

    Path path() {
        return path;
    }

    int pageSize() {
        return pageSize;
    }

    /** Checkpoints everything into the database file and returns the file as a snapshot at the current txid. */
    byte[] snapshot() throws SQLException, IOException {
        truncateCheckpoint();
        byte[] image = Files.readAllBytes(path);
        sums = PageChecksums.ofImage(pageSize, image);
        return image;
    }

    Position position() {
        return new Position(txid, sums.databaseChecksum());
    }

    SnapshotHeader snapshotHeader(byte[] image) {
        return new SnapshotHeader(pageSize, image.length / pageSize, position());
    }

    /** Runs {@code work} as one transaction and returns its changeset (null if it wrote nothing). */
    Changeset transaction(SqlWork work) throws SQLException, IOException {
        conn.setAutoCommit(false);
        try {
            work.run(conn);
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
        return capture();
    }

    /** Runs a statement outside a transaction (VACUUM) and returns its changeset. */
    Changeset autocommit(String sql) throws SQLException, IOException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
        return capture();
    }

    /** Keeps the source WAL small; only between transactions. */
    void truncateCheckpoint() throws SQLException, IOException {
        try (Statement st = conn.createStatement();
             var rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            rs.next();
            if (rs.getInt(1) != 0) {
                throw new IllegalStateException("source checkpoint was busy");
            }
        }
        walOffset = 0;
    }

    long walFrames() {
        return walOffset <= WalFormat.HEADER_SIZE ? 0 : (walOffset - WalFormat.HEADER_SIZE) / (WalFormat.FRAME_HEADER_SIZE + pageSize);
    }

    private Changeset capture() throws IOException {
        long size = walChannel.size();
        if (walOffset == 0) {
            if (size < WalFormat.HEADER_SIZE) {
                return null;
            }
            byte[] h = read(0, WalFormat.HEADER_SIZE);
            int magic = WalFormat.readIntBigEndian(h, WalFormat.HEADER_MAGIC);
            bigEndian = WalChecksum.bigEndianFor(magic);
            salt1 = WalFormat.readIntBigEndian(h, WalFormat.HEADER_SALT1);
            salt2 = WalFormat.readIntBigEndian(h, WalFormat.HEADER_SALT2);
            long sum = WalChecksum.update(bigEndian, 0, 0, h, 0, 24);
            s1 = WalChecksum.first(sum);
            s2 = WalChecksum.second(sum);
            walOffset = WalFormat.HEADER_SIZE;
        }
        int frameSize = WalFormat.FRAME_HEADER_SIZE + pageSize;
        Map<Integer, byte[]> pages = new TreeMap<>();
        Changeset result = null;
        while (walOffset + frameSize <= size) {
            byte[] f = read(walOffset, frameSize);
            if (WalFormat.readIntBigEndian(f, WalFormat.FRAME_SALT1) != salt1
                    || WalFormat.readIntBigEndian(f, WalFormat.FRAME_SALT2) != salt2) {
                break;
            }
            long sum = WalChecksum.update(bigEndian, s1, s2, f, 0, 8);
            sum = WalChecksum.update(bigEndian, WalChecksum.first(sum), WalChecksum.second(sum), f,
                    WalFormat.FRAME_HEADER_SIZE, pageSize);
            if (WalChecksum.first(sum) != WalFormat.readIntBigEndian(f, WalFormat.FRAME_CHECKSUM1)
                    || WalChecksum.second(sum) != WalFormat.readIntBigEndian(f, WalFormat.FRAME_CHECKSUM2)) {
                break;
            }
            s1 = WalChecksum.first(sum);
            s2 = WalChecksum.second(sum);
            int pgno = WalFormat.readIntBigEndian(f, WalFormat.FRAME_PGNO);
            byte[] page = new byte[pageSize];
            System.arraycopy(f, WalFormat.FRAME_HEADER_SIZE, page, 0, pageSize);
            pages.put(pgno, page);
            walOffset += frameSize;
            int commit = WalFormat.readIntBigEndian(f, WalFormat.FRAME_COMMIT_SIZE);
            if (commit != 0) {
                if (result != null) {
                    throw new IllegalStateException("two transactions in one capture");
                }
                result = toChangeset(commit, pages);
                pages = new TreeMap<>();
            }
        }
        if (!pages.isEmpty()) {
            throw new IllegalStateException("uncommitted frames after a commit in the source WAL");
        }
        return result;
    }

    private Changeset toChangeset(int commitPages, Map<Integer, byte[]> pages) {
        long pre = sums.databaseChecksum();
        sums.resize(commitPages);
        List<Changeset.Page> list = new ArrayList<>();
        int lock = SqliteFormat.lockPgno(pageSize);
        for (Map.Entry<Integer, byte[]> e : pages.entrySet()) {
            if (e.getKey() <= commitPages && e.getKey() != lock) {
                sums.setPage(e.getKey(), e.getValue());
                list.add(new Changeset.Page(e.getKey(), e.getValue()));
            }
        }
        txid++;
        return new Changeset(txid, System.currentTimeMillis(), pageSize, commitPages, pre, sums.databaseChecksum(), list);
    }

    private byte[] read(long offset, int len) throws IOException {
        byte[] b = new byte[len];
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            if (walChannel.read(buf, offset + buf.position()) < 0) {
                throw new IOException("source WAL ended at " + (offset + buf.position()));
            }
        }
        return b;
    }

    @Override
    public void close() throws IOException, SQLException {
        walChannel.close();
        conn.close();
    }

    interface SqlWork {
        void run(Connection conn) throws SQLException;
    }
}
