package dev.ferry.systemtest.harness;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on loopback between an agent and the primary's replication port, inside the test JVM,
 * that injects network faults on command:
 *
 * <ol>
 *   <li>{@link #dropAll}: closes every open connection at once (both sides see a reset or EOF);
 *   <li>{@link #stall}/{@link #unstall}: stops moving bytes in both directions while keeping the
 *       connections open, so that socket buffers fill and the primary's channel stops being
 *       writable; nothing is lost, only delayed;
 *   <li>{@link #cutNextFrame}: forwards the length and the first half of the next frame from the
 *       primary, then closes the connection (the agent sees EOF inside a frame);
 *   <li>{@link #flipNextFrame}: flips one byte inside the payload of the next frame of a given type
 *       from the primary and forwards the rest unchanged (the frame's CRC-32C must catch it).
 * </ol>
 *
 * The primary-to-agent direction is read frame by frame (u32 length, then that many bytes; see
 * docs/protocol.md "Frame layout") so that faults land inside frames; the agent-to-primary
 * direction is copied as bytes. Every connection uses two daemon threads. Closing the proxy closes
 * its listening socket and every connection.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int MAX_FRAME_LENGTH = 5 + 4 * 1024 * 1024;

    /** A fault waiting for the next matching frame. */
    private record FrameFault(boolean cut, int type, int payloadOffsetSeed) {}

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger faultsApplied = new AtomicInteger();
    private final AtomicLong framesForwarded = new AtomicLong();
    private final AtomicReference<FrameFault> pending = new AtomicReference<>();
    private final Object stallLock = new Object();
    private volatile boolean stalled;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to {@code 127.0.0.1:targetPort}, listening on a free loopback port. */
    public static FaultProxy to(int targetPort) {
        try {
            return new FaultProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        } catch (IOException e) {
            throw new UncheckedIOException("start fault proxy to port " + targetPort, e);
        }
    }

    /** {@code 127.0.0.1:PORT}, for an agent's {@code --primary}. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far: each reconnect of the agent adds one. */
    public int connections() {
        return connections.get();
    }

    /** Frame faults ({@link #cutNextFrame}, {@link #flipNextFrame}) that have been applied. */
    public int faultsApplied() {
        return faultsApplied.get();
    }

    public long framesForwarded() {
        return framesForwarded.get();
    }

    public void dropAll() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    public void stall() {
        stalled = true;
    }

    public void unstall() {
        synchronized (stallLock) {
            stalled = false;
            stallLock.notifyAll();
        }
    }

    /** The next primary-to-agent frame with a payload is cut in half and its connection closed. */
    public void cutNextFrame() {
        cutNextFrame(-1);
    }

    /** As {@link #cutNextFrame()}, for the next frame of {@code type} only (-1: any type). */
    public void cutNextFrame(int type) {
        pending.set(new FrameFault(true, type, 0));
    }

    /**
     * The next primary-to-agent frame of {@code type} (10 is CHANGESET, 8 SNAPSHOT_CHUNK) gets one
     * byte of its payload inverted, at {@code seed} modulo the payload length.
     */
    public void flipNextFrame(int type, int seed) {
        pending.set(new FrameFault(false, type, seed));
    }

    @Override
    public void close() {
        closed = true;
        unstall();
        closeQuietly(server);
        dropAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket downstream;
            try {
                downstream = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5000);
            } catch (IOException e) {
                closeQuietly(upstream);
                closeQuietly(downstream);
                continue;
            }
            sockets.add(downstream);
            sockets.add(upstream);
            start("fault-proxy-up", () -> copyBytes(downstream, upstream));
            start("fault-proxy-down", () -> copyFrames(upstream, downstream));
        }
    }

    private void copyBytes(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                awaitUnstalled();
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // a dropped connection or a closed peer: end this pair
        } finally {
            closePair(from, to);
        }
    }

    private void copyFrames(Socket from, Socket to) {
        try (DataInputStream in = new DataInputStream(from.getInputStream()); OutputStream out = to.getOutputStream()) {
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    return;
                }
                if (length < 5 || length > MAX_FRAME_LENGTH) {
                    throw new IOException("primary sent a frame length of " + length);
                }
                byte[] frame = new byte[4 + length];
                frame[0] = (byte) (length >>> 24);
                frame[1] = (byte) (length >>> 16);
                frame[2] = (byte) (length >>> 8);
                frame[3] = (byte) length;
                in.readFully(frame, 4, length);
                awaitUnstalled();
                int type = frame[4] & 0xff;
                int payload = length - 5;
                FrameFault fault = pending.get();
                if (fault != null && payload > 0 && (fault.type() < 0 || fault.type() == type)
                        && pending.compareAndSet(fault, null)) {
                    faultsApplied.incrementAndGet();
                    if (fault.cut()) {
                        out.write(frame, 0, 4 + 1 + payload / 2);
                        out.flush();
                        return; // finally closes both sides mid-frame
                    }
                    int at = 5 + Math.floorMod(fault.payloadOffsetSeed(), payload);
                    frame[at] = (byte) ~frame[at];
                }
                out.write(frame);
                framesForwarded.incrementAndGet();
            }
        } catch (IOException e) {
            // dropped
        } finally {
            closePair(from, to);
        }
    }

    private void awaitUnstalled() throws IOException {
        synchronized (stallLock) {
            while (stalled && !closed) {
                try {
                    stallLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while stalled", e);
                }
            }
        }
    }

    private void closePair(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        sockets.remove(a);
        sockets.remove(b);
    }

    private static void start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is best effort
        }
    }
}
