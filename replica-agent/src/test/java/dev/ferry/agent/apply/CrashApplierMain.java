package dev.ferry.agent.apply;

import dev.ferry.protocol.changeset.Changeset;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Child-JVM applier for the crash tests: bootstraps the replica from a {@link BankFixture} if it
 * has no position yet, applies the fixture's changesets from wherever the replica stands (with a
 * small checkpoint threshold and WAL limit so that checkpoints, restarts and truncations happen
 * often), checkpoints, and exits 0. Started with {@code -Dferry.test.crashAt=POINT[:N]} it halts
 * at that point instead. Arguments: DATA_DIR FIXTURE_DIR.
 */
public final class CrashApplierMain {
    /** System property: {@code false} runs the applier with each transaction synced before it is published. */
    static final String PUBLISH_BEFORE_SYNC_PROPERTY = "ferry.test.publishBeforeSync";
    /** With publish-before-sync, {@link ReplicaDatabase#sync} after every this many transactions (group sync). */
    static final int SYNC_EVERY = 7;
    static final ApplyOptions OPTIONS = ApplyOptions.defaults().withFsync(false).withCheckpointThresholdFrames(60)
            .withWalSizeLimitBytes(64 * 1024)
            .withPublishBeforeSync(!"false".equals(System.getProperty(PUBLISH_BEFORE_SYNC_PROPERTY)));

    private CrashApplierMain() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        BankFixture f = BankFixture.load(Path.of(args[1]));
        try (DataDirectory dir = DataDirectory.lock(data)) {
            ReplicaDatabase r;
            boolean exists = Files.exists(data.resolve("bank.db"));
            if (exists) {
                r = ReplicaDatabase.open(dir, "bank", OPTIONS);
            } else {
                try (InputStream in = f.openSnapshot()) {
                    r = ReplicaDatabase.bootstrap(dir, "bank", f.header(), in, OPTIONS);
                }
            }
            try {
                if (r.position() == null) {
                    try (InputStream in = f.openSnapshot()) {
                        r.resnapshot(f.header(), in);
                    }
                }
                System.out.println("start at " + r.position());
                int applied = 0;
                for (Iterator<Changeset> it = ChangesetLog.read(f.log()); it.hasNext(); ) {
                    if (r.apply(it.next()) == ApplyResult.APPLIED) {
                        applied++;
                        if (applied % SYNC_EVERY == 0) {
                            r.sync();
                        }
                        if (applied % 50 == 0) {
                            r.checkpoint();
                        }
                    }
                    if (r.durablePosition().txid() > r.position().txid()) {
                        throw new AssertionError("durable position " + r.durablePosition() + " ahead of " + r.position());
                    }
                }
                System.out.println("done at " + r.position() + ", applied " + applied);
            } finally {
                r.close();
            }
        }
    }
}
