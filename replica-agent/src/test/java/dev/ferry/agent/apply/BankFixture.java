package dev.ferry.agent.apply;

import dev.ferry.agent.state.Position;
import dev.ferry.protocol.changeset.Changeset;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A generated bank history on disk, shared between a test and the child JVMs it starts: the initial
 * snapshot, the changeset log, and the source's final image and position.
 */
record BankFixture(Path dir, SnapshotHeader header, int count, Position finalPosition) {

    Path snapshot() {
        return dir.resolve("snapshot.db");
    }

    Path log() {
        return dir.resolve("changesets.log");
    }

    Path finalImage() {
        return dir.resolve("final.db");
    }

    InputStream openSnapshot() throws IOException {
        return Files.newInputStream(snapshot());
    }

    /** Runs the bank workload on a real SQLite source and records everything under {@code dir}. */
    static BankFixture generate(Path dir, int pageSize, int transactions, long seed, int vacuumEvery, int maxBlobBytes)
            throws IOException, SQLException {
        Files.createDirectories(dir);
        SnapshotHeader header;
        Position last;
        int count = 0;
        try (SourceDatabase src = new SourceDatabase(dir.resolve("source"), pageSize)) {
            BankWorkload bank = new BankWorkload(src, seed, vacuumEvery, maxBlobBytes);
            bank.createSchema();
            byte[] image = src.snapshot();
            Files.write(dir.resolve("snapshot.db"), image);
            header = src.snapshotHeader(image);
            try (ChangesetLog.Writer log = new ChangesetLog.Writer(dir.resolve("changesets.log"))) {
                for (int i = 0; i < transactions; i++) {
                    Changeset cs = bank.next();
                    if (cs != null) {
                        log.append(cs);
                    }
                    if (src.walFrames() > 2000) {
                        src.truncateCheckpoint();
                    }
                }
                count = log.count();
            }
            Files.write(dir.resolve("final.db"), src.snapshot());
            last = src.position();
        }
        BankFixture f = new BankFixture(dir, header, count, last);
        Properties p = new Properties();
        p.setProperty("pageSize", Integer.toString(header.pageSize()));
        p.setProperty("pageCount", Integer.toString(header.pageCount()));
        p.setProperty("position", header.position().toString());
        p.setProperty("count", Integer.toString(count));
        p.setProperty("finalPosition", last.toString());
        try (OutputStream out = Files.newOutputStream(dir.resolve("fixture.properties"))) {
            p.store(out, "bank fixture");
        }
        return f;
    }

    static BankFixture load(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("fixture.properties"))) {
            p.load(in);
        }
        return new BankFixture(dir, new SnapshotHeader(Integer.parseInt(p.getProperty("pageSize")),
                Integer.parseInt(p.getProperty("pageCount")), Position.parse(p.getProperty("position"))),
                Integer.parseInt(p.getProperty("count")), Position.parse(p.getProperty("finalPosition")));
    }
}
