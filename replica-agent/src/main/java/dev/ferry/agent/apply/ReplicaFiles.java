package dev.ferry.agent.apply;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** The files of replica {@code NAME} in a data directory. */
record ReplicaFiles(Path db, Path wal, Path shm, Path position, Path checksums, Path bootstrap) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    static ReplicaFiles of(Path dir, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name '" + name + "' does not match " + NAME.pattern());
        }
        String db = name + ".db";
        return new ReplicaFiles(dir.resolve(db), dir.resolve(db + "-wal"), dir.resolve(db + "-shm"),
                dir.resolve(db + "-pos"), dir.resolve(db + "-sums"), dir.resolve(db + ".bootstrap"));
    }
}
