package dev.ferry.agent.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends an {@code execute} request to the primary's HTTP API without blocking: {@link HttpClient}'s
 * asynchronous API completes the future on its own threads.
 *
 * <p>The {@link HttpClient} is created at the first forwarded write: building one initialises the
 * JDK's TLS stack (SSLContext, the CA certificates) and starts a selector thread, about 400
 * classes and a few MiB of memory that an agent nobody writes through never needs.
 *
 * <p>Thread-safe: HttpClient is, and {@link #client()} creates it once.
 */
final class WriteForwarder {
    /** The primary's answer, passed through as it came. */
    record Answer(int status, byte[] body) {}

    private final URI primaryHttp;
    private final Duration timeout;
    private volatile HttpClient client;

    WriteForwarder(URI primaryHttp, Duration timeout) {
        this.primaryHttp = primaryHttp;
        this.timeout = timeout;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
                    client = c;
                }
            }
        }
        return c;
    }

    /**
     * POSTs {@code body} to the primary's {@code /v1/databases/{db}/execute}; {@code authorization}
     * (the caller's header, or null) travels with it. Fails the future if the primary cannot be
     * reached or does not answer within the timeout.
     */
    CompletableFuture<Answer> execute(String db, byte[] body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(primaryHttp.resolve("/v1/databases/" + db + "/execute"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Answer(r.statusCode(), r.body()));
    }

    URI primaryHttp() {
        return primaryHttp;
    }
}
