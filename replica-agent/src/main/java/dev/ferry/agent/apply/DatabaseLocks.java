package dev.ferry.agent.apply;

import dev.ferry.protocol.sqlite.SqliteFormat;

/**
 * The database file's POSIX lock ranges (SQLite's src/os.h): PENDING_BYTE at 1 GiB, RESERVED_BYTE
 * after it, then the 510-byte SHARED range. A reader holds a shared lock in the SHARED range while
 * the database is open; the last connection to close takes an exclusive lock on the whole range
 * before it checkpoints and deletes the WAL and -shm. The agent holds a shared lock on the range
 * for its whole life so that no reader ever believes it is the last one. Compatibility-breaking if
 * changed.
 */
final class DatabaseLocks {
    /** SHARED_FIRST: after PENDING_BYTE and RESERVED_BYTE. */
    static final long SHARED_FIRST = SqliteFormat.PENDING_BYTE + 2;
    static final long SHARED_SIZE = 510;

    private DatabaseLocks() {}
}
