package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Starting the server fails cleanly; these checks happen before any request reaches a catalog. */
class HttpServerStartTest {

    @Test
    void start_portInUse_throwsNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());

            IOException e = assertThrows(IOException.class, () -> HttpServer.start(address, 1024, null));

            assertTrue(e.getMessage().startsWith("cannot listen for HTTP on 127.0.0.1:" + taken.getLocalPort() + ": "),
                    e.getMessage());
        }
    }

    @Test
    void start_maxBodyBytesBelowOne_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpServer.start(new InetSocketAddress("127.0.0.1", 0), 0, null));

        assertEquals("maxBodyBytes 0 must be at least 1", e.getMessage());
    }
}
