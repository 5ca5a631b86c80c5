package dev.ferry.primary.fileops;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The primary's file operations that durability sequences are built from: positional reads and
 * writes that finish, fsync of files and directories, and atomic replacement of small files.
 * One place, so that every sequence uses the same steps and they can be reviewed together.
 */
public final class FileOps {
    private FileOps() {}

    /** Reads exactly {@code dst.length} bytes at {@code position}; EOF before that is an error. */
    public static void readFully(FileChannel ch, byte[] dst, long position, Object what) throws IOException {
        readFully(ch, ByteBuffer.wrap(dst), position, what);
    }

    /** Reads {@code buf}'s remaining bytes from {@code position}, advancing its position. */
    public static void readFully(FileChannel ch, ByteBuffer buf, long position, Object what) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new EOFException("read " + what + ": unexpected end of file at offset " + p);
            }
            p += n;
        }
    }

    /** Writes all of {@code src} at {@code position}. */
    public static void writeFully(FileChannel ch, byte[] src, long position) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(src);
        long p = position;
        while (buf.hasRemaining()) {
            p += ch.write(buf, p);
        }
    }

    /** fsyncs a file's data and metadata. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** fsyncs a directory, making creates, renames and deletes inside it durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Replaces {@code file} with {@code bytes} so that a crash leaves the old or the new content,
     * never a mix: 1. write a temporary file beside it; 2. fsync it (if {@code durable});
     * 3. rename it over the file; 4. fsync the directory (if {@code durable}).
     */
    public static void replaceAtomically(Path file, byte[] bytes, boolean durable) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, bytes, 0);
            if (durable) {
                ch.force(true);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durable) {
            fsyncDirectory(file.toAbsolutePath().getParent());
        }
    }
}
