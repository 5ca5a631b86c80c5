package dev.ferry.agent.apply;

import dev.ferry.protocol.changeset.Changeset;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A test file of changesets, one after another (a plain DataOutput form private to the tests, so
 * that the apply tests do not depend on the wire codec).
 */
final class ChangesetLog {
    private ChangesetLog() {}

    static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private int count;

        Writer(Path file) throws IOException {
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
        }

        void append(Changeset cs) throws IOException {
            out.writeLong(cs.txid());
            out.writeLong(cs.timestampMs());
            out.writeInt(cs.pageSize());
            out.writeInt(cs.commitPages());
            out.writeLong(cs.preChecksum());
            out.writeLong(cs.postChecksum());
            out.writeInt(cs.pages().size());
            for (Changeset.Page p : cs.pages()) {
                out.writeInt(p.pgno());
                out.write(p.data());
            }
            count++;
        }

        int count() {
            return count;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Iterates the changesets of {@code file}; the stream is closed at the end. */
    static Iterator<Changeset> read(Path file) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20));
        return new Iterator<>() {
            private Changeset next = advance();

            private Changeset advance() {
                try {
                    long txid;
                    try {
                        txid = in.readLong();
                    } catch (EOFException end) {
                        in.close();
                        return null;
                    }
                    long ts = in.readLong();
                    int pageSize = in.readInt();
                    int commitPages = in.readInt();
                    long pre = in.readLong();
                    long post = in.readLong();
                    int n = in.readInt();
                    List<Changeset.Page> pages = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        int pgno = in.readInt();
                        byte[] data = new byte[pageSize];
                        in.readFully(data);
                        pages.add(new Changeset.Page(pgno, data));
                    }
                    return new Changeset(txid, ts, pageSize, commitPages, pre, post, pages);
                } catch (IOException e) {
                    throw new UncheckedIOException("read changeset log " + file, e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Changeset next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Changeset c = next;
                next = advance();
                return c;
            }
        };
    }
}
