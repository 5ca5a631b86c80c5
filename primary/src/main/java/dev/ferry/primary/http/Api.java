package dev.ferry.primary.http;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.catalog.CreateOptions;
import dev.ferry.primary.catalog.DatabaseInfo;
import dev.ferry.primary.catalog.DatabaseName;
import dev.ferry.primary.catalog.InvalidDatabaseNameException;
import dev.ferry.primary.ingest.IngestLimits;
import dev.ferry.primary.ingest.IngestRejectedException;
import dev.ferry.primary.stream.ReplicaStatus;
import dev.ferry.primary.stream.ReplicaTracker;
import dev.ferry.primary.write.Statement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Serves one request: routes it, validates the database name and the body, and hands the work to
 * the catalog. Called on an event-loop thread, so it never blocks: administration (create, list,
 * info, delete may touch the disk) runs on {@code adminExecutor}, and execute and query return the
 * catalog's own futures, which complete on the catalog's threads.
 *
 * <p>Thread-safe; one instance serves every channel.
 */
final class Api {
    private final Catalog catalog;
    private final Executor adminExecutor;
    private final ReplicaTracker replicas;
    private final PrometheusMeterRegistry registry;
    private final Timer writes;
    private final Counter writesOk;
    private final Counter writesFailed;
    private final IngestApi ingestApi;

    Api(Catalog catalog, Executor adminExecutor, ReplicaTracker replicas, PrometheusMeterRegistry registry,
        IngestLimits ingestLimits) {
        this.catalog = catalog;
        this.adminExecutor = adminExecutor;
        this.replicas = replicas;
        this.registry = registry;
        this.writes = Timer.builder("ferry.write.latency")
                .description("Execute requests, from hand-over to the writer until durable in the log")
                .publishPercentileHistogram(false).register(registry);
        this.writesOk = writeCounter(registry, "ok");
        this.writesFailed = writeCounter(registry, "error");
        this.ingestApi = new IngestApi(catalog, ingestLimits, registry);
    }

    private static Counter writeCounter(PrometheusMeterRegistry registry, String outcome) {
        return Counter.builder("ferry.writes").description("Execute requests that reached a database's writer")
                .tag("outcome", outcome).register(registry);
    }

    /**
     * Answers a request. The returned future always completes normally: failures become error
     * responses. Reads {@code body} before returning and does not take ownership of it.
     */
    CompletableFuture<ApiResponse> handle(HttpMethod method, String uri, ByteBuf body) {
        CompletableFuture<ApiResponse> answer;
        try {
            answer = dispatch(Router.route(method, uri), body);
        } catch (ApiException | InvalidDatabaseNameException | IngestRejectedException | RuntimeException e) {
            // A RuntimeException here is a synchronous failure of the catalog or a saturated admin
            // executor; it is answered like any other failure.
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((response, failure) -> failure == null ? response : Failures.toResponse(failure));
    }

    private CompletableFuture<ApiResponse> dispatch(Route route, ByteBuf body)
            throws ApiException, InvalidDatabaseNameException, IngestRejectedException {
        return switch (route.endpoint()) {
            case HEALTH -> CompletableFuture.completedFuture(ApiResponse.of(HttpResponseStatus.OK, ResponseBodies.health()));
            // Off the event loop: the replica lag gauges read the log.
            case METRICS -> admin(() -> ApiResponse.prometheus(registry.scrape()));
            case LIST_DATABASES -> admin(this::list);
            case CREATE_DATABASE -> create(DatabaseName.check(route.database()), RequestBodies.createOptions(body));
            case DATABASE_INFO -> info(DatabaseName.check(route.database()));
            case DELETE_DATABASE -> delete(DatabaseName.check(route.database()));
            case EXECUTE -> execute(DatabaseName.check(route.database()), RequestBodies.statements(body));
            case QUERY -> query(DatabaseName.check(route.database()), RequestBodies.query(body));
            case SCHEMA -> ingestApi.schema(DatabaseName.check(route.database()));
            case INGEST -> ingestApi.ingest(DatabaseName.check(route.database()), body);
            case INGEST_RETENTION -> ingestApi.retention(DatabaseName.check(route.database()), body);
        };
    }

    private CompletableFuture<ApiResponse> create(String name, CreateOptions options) {
        return admin(() -> ApiResponse.of(HttpResponseStatus.CREATED,
                ResponseBodies.database(catalog.create(name, options), List.of())));
    }

    private ApiResponse list() throws IOException {
        List<DatabaseInfo> infos = catalog.list();
        Map<String, List<ReplicaStatus>> byName = new HashMap<>();
        for (DatabaseInfo info : infos) {
            byName.put(info.name(), replicas.replicas(info.name(), info.txid()));
        }
        return ApiResponse.of(HttpResponseStatus.OK, ResponseBodies.databases(infos, byName));
    }

    private CompletableFuture<ApiResponse> info(String name) {
        return admin(() -> {
            DatabaseInfo info = catalog.info(name);
            return ApiResponse.of(HttpResponseStatus.OK,
                    ResponseBodies.database(info, replicas.replicas(name, info.txid())));
        });
    }

    private CompletableFuture<ApiResponse> delete(String name) {
        return admin(() -> {
            catalog.delete(name);
            return ApiResponse.noContent();
        });
    }

    /** Timed into ferry_write_latency_seconds (its _count is the number of successful writes). */
    private CompletableFuture<ApiResponse> execute(String name, List<Statement> statements) throws ApiException {
        int max = catalog.statementLimits().maxStatements();
        if (statements.size() > max) {
            throw ApiException.limitExceeded("max-statements", "the request has " + statements.size()
                    + " statements, more than the limit of " + max + " (max-statements)");
        }
        long start = System.nanoTime();
        return catalog.execute(name, statements).whenComplete((result, failure) -> {
            if (failure == null) {
                writes.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                writesOk.increment();
            } else {
                writesFailed.increment();
            }
        }).thenApply(result -> ApiResponse.of(HttpResponseStatus.OK, ResponseBodies.executed(result)));
    }

    private CompletableFuture<ApiResponse> query(String name, Statement statement) {
        return catalog.query(name, statement)
                .thenApply(result -> ApiResponse.of(HttpResponseStatus.OK, ResponseBodies.queried(result)));
    }

    /** Runs catalog administration off the event loop. */
    private CompletableFuture<ApiResponse> admin(Callable<ApiResponse> work) {
        CompletableFuture<ApiResponse> answer = new CompletableFuture<>();
        adminExecutor.execute(() -> {
            try {
                answer.complete(work.call());
            } catch (Throwable e) {
                // Even an Error must answer the request, or its connection would wait forever.
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }
}
