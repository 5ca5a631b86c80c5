package dev.ferry.agent.http;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_GATEWAY;
import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.GATEWAY_TIMEOUT;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;

import dev.ferry.agent.state.Position;
import dev.ferry.agent.stream.ReplicaStatus;
import dev.ferry.agent.stream.Replicas;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes and answers the agent's HTTP API (docs/http-api.md, "Agent HTTP API").
 *
 * <p>Never blocks: a wait registers a future that the apply thread completes, with a timeout
 * scheduled on this channel's event loop; a forwarded write completes on the HTTP client's threads
 * and then waits the same way. Stateless and {@link ChannelHandler.Sharable}.
 */
@ChannelHandler.Sharable
final class AgentApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentApiHandler.class);
    private static final Pattern DB_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final String PREFIX = "/v1/databases";
    static final long DEFAULT_TIMEOUT_MS = 30_000;
    static final long MAX_TIMEOUT_MS = 600_000;

    private final Replicas replicas;
    private final WriteForwarder forwarder;
    private final PrometheusMeterRegistry registry;

    AgentApiHandler(Replicas replicas, WriteForwarder forwarder, PrometheusMeterRegistry registry) {
        this.replicas = replicas;
        this.forwarder = forwarder;
        this.registry = registry;
    }

    /** A client error: answered with its status and {@code {"error": message}}. */
    private static final class BadRequest extends Exception {
        final HttpResponseStatus status;

        BadRequest(HttpResponseStatus status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Responses.json(ctx, false, BAD_REQUEST, Responses.error("malformed HTTP request: "
                    + request.decoderResult().cause().getMessage()));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        try {
            route(ctx, keepAlive, request, uri);
        } catch (BadRequest e) {
            Responses.json(ctx, keepAlive, e.status, Responses.error(e.getMessage()));
        }
    }

    private void route(ChannelHandlerContext ctx, boolean keepAlive, FullHttpRequest request, QueryStringDecoder uri)
            throws BadRequest {
        String path = uri.path();
        switch (path) {
            case "/healthz" -> {
                requireMethod(request, HttpMethod.GET);
                Responses.json(ctx, keepAlive, OK, Map.of("status", "ok"));
            }
            case "/readyz" -> {
                requireMethod(request, HttpMethod.GET);
                readyz(ctx, keepAlive);
            }
            case "/metrics" -> {
                requireMethod(request, HttpMethod.GET);
                Responses.prometheus(ctx, keepAlive, registry.scrape());
            }
            case PREFIX -> {
                requireMethod(request, HttpMethod.GET);
                List<Object> list = new ArrayList<>();
                replicas.statuses().forEach(s -> list.add(DatabaseJson.of(s)));
                Responses.json(ctx, keepAlive, OK, Map.of("databases", list));
            }
            default -> database(ctx, keepAlive, request, uri);
        }
    }

    private void database(ChannelHandlerContext ctx, boolean keepAlive, FullHttpRequest request, QueryStringDecoder uri)
            throws BadRequest {
        String path = uri.path();
        if (!path.startsWith(PREFIX + "/")) {
            throw new BadRequest(NOT_FOUND, "no such endpoint: " + path);
        }
        String[] parts = path.substring(PREFIX.length() + 1).split("/", -1);
        String db = parts[0];
        if (!DB_NAME.matcher(db).matches()) {
            throw new BadRequest(BAD_REQUEST, "'" + db + "' is not a database name ([a-z0-9][a-z0-9_-]{0,62})");
        }
        if (parts.length == 1) {
            requireMethod(request, HttpMethod.GET);
            ReplicaStatus s = replicas.status(db).orElseThrow(() -> unknown(db));
            Responses.json(ctx, keepAlive, OK, DatabaseJson.of(s));
        } else if (parts.length == 2 && parts[1].equals("wait")) {
            requireMethod(request, HttpMethod.GET);
            long txid = number(uri, "txid", -1);
            if (txid < 0) {
                throw new BadRequest(BAD_REQUEST, "txid is required: /v1/databases/" + db + "/wait?txid=N");
            }
            waitFor(ctx, keepAlive, db, txid, timeout(uri), null);
        } else if (parts.length == 2 && parts[1].equals("execute")) {
            requireMethod(request, HttpMethod.POST);
            execute(ctx, keepAlive, db, ByteBufUtil.getBytes(request.content()),
                    request.headers().get(HttpHeaderNames.AUTHORIZATION), timeout(uri));
        } else {
            throw new BadRequest(NOT_FOUND, "no such endpoint: " + path);
        }
    }

    private void readyz(ChannelHandlerContext ctx, boolean keepAlive) {
        // Globs first: once they are listed, the listed databases are visible to notBootstrapped().
        List<String> unlisted = replicas.unlistedGlobs();
        List<String> missing = replicas.notBootstrapped();
        boolean ready = unlisted.isEmpty() && missing.isEmpty();
        Map<String, Object> body = JsonBodies.object();
        body.put("ready", ready);
        if (!ready) {
            body.put("not_bootstrapped", missing);
        }
        if (!unlisted.isEmpty()) {
            body.put("waiting_for", "the primary's list of databases matching " + String.join(", ", unlisted));
        }
        Responses.json(ctx, keepAlive, ready ? OK : SERVICE_UNAVAILABLE, body);
    }

    /**
     * Answers once {@code db} has applied {@code txid}, or 504 after {@code timeoutMs}. With {@code
     * forwarded} (the primary's answer to a write), that answer is the body of the 200.
     */
    private void waitFor(ChannelHandlerContext ctx, boolean keepAlive, String db, long txid, long timeoutMs,
            byte[] forwarded) throws BadRequest {
        CompletableFuture<Position> reached = replicas.await(db, txid).orElseThrow(() -> unknown(db));
        var timer = ctx.executor().schedule(() -> reached.cancel(false), timeoutMs, TimeUnit.MILLISECONDS);
        reached.whenComplete((position, failure) -> {
            timer.cancel(false);
            if (position != null && forwarded != null) {
                Responses.rawJson(ctx, keepAlive, OK, forwarded);
            } else if (position != null) {
                Responses.json(ctx, keepAlive, OK, DatabaseJson.reached(db, position));
            } else {
                Map<String, Object> body = Responses.error("timed out after " + timeoutMs + " ms waiting for " + db
                        + " to apply txid " + txid + (forwarded != null ? "; the write was committed on the primary" : ""));
                body.put("txid", txid);
                replicas.status(db).ifPresent(s -> body.put("replica", DatabaseJson.of(s)));
                if (forwarded != null) {
                    body.put("primary_response", JsonBodies.raw(forwarded).orElse(null));
                }
                Responses.json(ctx, keepAlive, GATEWAY_TIMEOUT, body);
            }
        });
    }

    /**
     * Forwards the write, then waits until the local copy has the txid the primary answered, so that
     * a read of the replica right after this answer sees the write.
     */
    private void execute(ChannelHandlerContext ctx, boolean keepAlive, String db, byte[] body, String authorization,
            long timeoutMs) throws BadRequest {
        if (replicas.status(db).isEmpty() && !replicas.subscription().patterns().contains(db)) {
            throw unknown(db);
        }
        forwarder.execute(db, body, authorization).whenComplete((answer, failure) -> {
            if (failure != null) {
                LOG.warn("forward execute on {} to {} failed: {}", db, forwarder.primaryHttp(), failure.toString());
                Responses.json(ctx, keepAlive, BAD_GATEWAY, Responses.error("the primary at " + forwarder.primaryHttp()
                        + " did not answer: " + failure.getMessage()));
                return;
            }
            OptionalLong txid = JsonBodies.longField(answer.body(), "txid");
            if (answer.status() != 200 || txid.isEmpty()) {
                Responses.rawJson(ctx, keepAlive, HttpResponseStatus.valueOf(answer.status()), answer.body());
                return;
            }
            try {
                waitFor(ctx, keepAlive, db, txid.getAsLong(), timeoutMs, answer.body());
            } catch (BadRequest e) {
                Responses.json(ctx, keepAlive, e.status, Responses.error(e.getMessage()));
            }
        });
    }

    private static BadRequest unknown(String db) {
        return new BadRequest(NOT_FOUND, "this agent does not replicate " + db);
    }

    private static void requireMethod(FullHttpRequest request, HttpMethod method) throws BadRequest {
        if (!request.method().equals(method)) {
            throw new BadRequest(METHOD_NOT_ALLOWED, request.method() + " is not allowed here; use " + method);
        }
    }

    private static long timeout(QueryStringDecoder uri) throws BadRequest {
        long t = number(uri, "timeout_ms", DEFAULT_TIMEOUT_MS);
        if (t > MAX_TIMEOUT_MS) {
            throw new BadRequest(BAD_REQUEST, "timeout_ms " + t + " is above the maximum " + MAX_TIMEOUT_MS);
        }
        return t;
    }

    /** A non-negative integer query parameter, or {@code absent} when it is not given. */
    private static long number(QueryStringDecoder uri, String name, long absent) throws BadRequest {
        List<String> values = uri.parameters().get(name);
        if (values == null || values.isEmpty()) {
            return absent;
        }
        String v = values.get(values.size() - 1);
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest(BAD_REQUEST, name + " '" + v + "' is not a non-negative integer");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("local HTTP connection failed: {}", cause.toString());
        ctx.close();
    }
}
