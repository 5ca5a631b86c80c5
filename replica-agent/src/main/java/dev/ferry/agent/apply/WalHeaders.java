package dev.ferry.agent.apply;

import dev.ferry.protocol.sqlite.WalFormat;

/** Choices SQLite makes when it starts a WAL, made the same way here. */
final class WalHeaders {
    private WalHeaders() {}

    /**
     * The magic SQLite writes: 0x377f0682 | SQLITE_BIGENDIAN, so that frame checksums read native
     * words (little-endian on x86 and ARM Linux), which is also what bigEndCksum in the wal-index says.
     */
    static int magicForHost() {
        return WalIndexHeader.NATIVE_BIG_ENDIAN ? WalFormat.MAGIC_BIG_ENDIAN : WalFormat.MAGIC_LITTLE_ENDIAN;
    }
}
