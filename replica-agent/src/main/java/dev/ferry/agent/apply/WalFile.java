package dev.ferry.agent.apply;

import dev.ferry.protocol.sqlite.SqliteFormat;
import dev.ferry.protocol.sqlite.WalChecksum;
import dev.ferry.protocol.sqlite.WalFormat;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code -wal} file: its 32-byte header and positioned frame reads and writes.
 *
 * <p>Format: {@link WalFormat} (big-endian fields; the checksum reads words little-endian when the
 * magic is 0x377f0682, which is what SQLite writes on a little-endian host and what the agent
 * writes too). Concurrency: readers in other processes read frames up to the published mxFrame
 * while the agent appends after it; the agent never rewrites a frame at or below a published
 * mxFrame except after a WAL restart, which no reader can be using. This class is the only handle
 * the agent opens on the file.
 */
final class WalFile implements AutoCloseable {
    /** What a valid WAL header says. */
    record Header(int magic, int pageSize, int checkpointSeq, int salt1, int salt2, int cksum1, int cksum2) {
        boolean bigEndianChecksum() {
            return WalChecksum.bigEndianFor(magic);
        }
    }

    private final Path path;
    private final FileChannel channel;

    private WalFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static WalFile open(Path path) throws IOException {
        try {
            return new WalFile(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new IOException("open WAL " + path + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    long size() throws IOException {
        return channel.size();
    }

    /**
     * The header if it is valid by SQLite's recovery rules (magic, power-of-two page size in
     * 512..65536, header checksum, version 3007000); {@code null} otherwise.
     */
    Header readHeader() throws IOException {
        if (channel.size() < WalFormat.HEADER_SIZE) {
            return null;
        }
        byte[] b = new byte[WalFormat.HEADER_SIZE];
        readFully(ByteBuffer.wrap(b), 0, "read WAL header");
        int magic = WalFormat.readIntBigEndian(b, WalFormat.HEADER_MAGIC);
        int pageSize = WalFormat.readIntBigEndian(b, WalFormat.HEADER_PAGE_SIZE);
        if ((magic & 0xfffffffe) != WalFormat.MAGIC_LITTLE_ENDIAN || !SqliteFormat.isValidPageSize(pageSize)) {
            return null;
        }
        long sum = WalChecksum.update(WalChecksum.bigEndianFor(magic), 0, 0, b, 0, WalFormat.HEADER_CHECKSUM1);
        if (WalChecksum.first(sum) != WalFormat.readIntBigEndian(b, WalFormat.HEADER_CHECKSUM1)
                || WalChecksum.second(sum) != WalFormat.readIntBigEndian(b, WalFormat.HEADER_CHECKSUM2)
                || WalFormat.readIntBigEndian(b, WalFormat.HEADER_VERSION) != WalFormat.VERSION) {
            return null;
        }
        return new Header(magic, pageSize, WalFormat.readIntBigEndian(b, WalFormat.HEADER_CHECKPOINT_SEQ),
                WalFormat.readIntBigEndian(b, WalFormat.HEADER_SALT1), WalFormat.readIntBigEndian(b, WalFormat.HEADER_SALT2),
                WalChecksum.first(sum), WalChecksum.second(sum));
    }

    /** Writes a fresh header (as SQLite does before frame 1) and returns what it says. */
    Header writeHeader(int pageSize, int checkpointSeq, int salt1, int salt2) throws IOException {
        int magic = WalHeaders.magicForHost();
        byte[] b = new byte[WalFormat.HEADER_SIZE];
        WalFormat.writeIntBigEndian(b, WalFormat.HEADER_MAGIC, magic);
        WalFormat.writeIntBigEndian(b, WalFormat.HEADER_VERSION, WalFormat.VERSION);
        WalFormat.writeIntBigEndian(b, WalFormat.HEADER_PAGE_SIZE, pageSize);
        WalFormat.writeIntBigEndian(b, WalFormat.HEADER_CHECKPOINT_SEQ, checkpointSeq);
        WalFormat.writeIntBigEndian(b, WalFormat.HEADER_SALT1, salt1);
        WalFormat.writeIntBigEndian(b, WalFormat.HEADER_SALT2, salt2);
        long sum = WalChecksum.update(WalChecksum.bigEndianFor(magic), 0, 0, b, 0, WalFormat.HEADER_CHECKSUM1);
        WalFormat.writeIntBigEndian(b, WalFormat.HEADER_CHECKSUM1, WalChecksum.first(sum));
        WalFormat.writeIntBigEndian(b, WalFormat.HEADER_CHECKSUM2, WalChecksum.second(sum));
        write(ByteBuffer.wrap(b), 0, "write WAL header");
        return new Header(magic, pageSize, checkpointSeq, salt1, salt2, WalChecksum.first(sum), WalChecksum.second(sum));
    }

    /** Writes {@code buf} (whole frames) at {@code offset} with positioned writes. */
    void write(ByteBuffer buf, long offset, String op) throws IOException {
        long at = offset;
        try {
            while (buf.hasRemaining()) {
                at += channel.write(buf, at);
            }
        } catch (IOException e) {
            throw new IOException(op + " " + path + " at offset " + at + ": " + e.getMessage(), e);
        }
    }

    /** Fills {@code buf} from {@code offset}; a short file is an error naming the offset. */
    void readFully(ByteBuffer buf, long offset, String op) throws IOException {
        long at = offset;
        try {
            while (buf.hasRemaining()) {
                int n = channel.read(buf, at);
                if (n < 0) {
                    throw new EOFException("end of file");
                }
                at += n;
            }
        } catch (IOException e) {
            throw new IOException(op + " " + path + " at offset " + at + ": " + e.getMessage(), e);
        }
    }

    /** Reads the page image of frame {@code frame} into {@code page}. */
    void readPage(long frame, int pageSize, byte[] page) throws IOException {
        readFully(ByteBuffer.wrap(page, 0, pageSize), WalFormat.frameOffset(frame, pageSize) + WalFormat.FRAME_HEADER_SIZE,
                "read WAL frame " + frame);
    }

    void truncate(long size) throws IOException {
        try {
            channel.truncate(size);
        } catch (IOException e) {
            throw new IOException("truncate WAL " + path + " to " + size + " bytes: " + e.getMessage(), e);
        }
    }

    void force() throws IOException {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new IOException("fsync WAL " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
