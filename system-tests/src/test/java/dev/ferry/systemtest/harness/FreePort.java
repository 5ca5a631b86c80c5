package dev.ferry.systemtest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks a free loopback port by binding port 0 and releasing it. The port is passed to the child
 * explicitly, so that a restarted node comes back on the same address its clients already use.
 * Another process could take the port in between; the child then fails to bind and its readiness
 * wait reports the log, which says so.
 */
final class FreePort {
    private FreePort() {}

    static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("pick a free loopback port", e);
        }
    }
}
