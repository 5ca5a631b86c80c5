package dev.ferry.primary.http;

import dev.ferry.primary.catalog.Catalog;
import dev.ferry.primary.ingest.IngestBatch;
import dev.ferry.primary.ingest.IngestLimits;
import dev.ferry.primary.ingest.IngestRejectedException;
import dev.ferry.primary.ingest.IngestRequestParser;
import dev.ferry.primary.ingest.IngestWork;
import dev.ferry.primary.ingest.RetentionRequest;
import dev.ferry.primary.ingest.RetentionWork;
import dev.ferry.primary.schema.SchemaReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;

/**
 * The schema, ingest and retention endpoints (docs/http-api.md). Bodies are parsed and every value
 * checked on the event loop; the schema is read on the query path (read-only connection, query
 * executor); ingest and retention run as one writer request each, inside its own savepoint of a
 * group commit, so that DDL and rows commit together or not at all.
 *
 * <p>Thread-safe. No method takes ownership of a body buffer.
 */
final class IngestApi {
    private final Catalog catalog;
    private final IngestLimits limits;
    private final Counter ingestsOk;
    private final Counter ingestsFailed;
    private final Counter rowsIngested;

    IngestApi(Catalog catalog, IngestLimits limits, MeterRegistry registry) {
        this.catalog = catalog;
        this.limits = limits;
        this.ingestsOk = ingestCounter(registry, "ok");
        this.ingestsFailed = ingestCounter(registry, "error");
        this.rowsIngested = Counter.builder("ferry.ingest.rows").description("Rows inserted by ingest requests")
                .register(registry);
    }

    private static Counter ingestCounter(MeterRegistry registry, String outcome) {
        return Counter.builder("ferry.ingests").description("Ingest requests that reached a database's writer")
                .tag("outcome", outcome).register(registry);
    }

    CompletableFuture<ApiResponse> schema(String database) {
        return catalog.read(database, SchemaReader.INSTANCE)
                .thenApply(schema -> ApiResponse.of(HttpResponseStatus.OK, IngestBodies.schema(schema.value(), schema.txid())));
    }

    CompletableFuture<ApiResponse> ingest(String database, ByteBuf body) throws ApiException, IngestRejectedException {
        IngestBatch batch = IngestRequestParser.parse(Json.parse(body), limits);
        return catalog.write(database, new IngestWork(batch))
                .whenComplete((done, failure) -> {
                    if (failure == null) {
                        ingestsOk.increment();
                        rowsIngested.increment(done.value().rows());
                    } else {
                        ingestsFailed.increment();
                    }
                })
                .thenApply(done -> ApiResponse.of(HttpResponseStatus.OK, IngestBodies.ingested(done.value(), done.txid())));
    }

    CompletableFuture<ApiResponse> retention(String database, ByteBuf body) throws ApiException, IngestRejectedException {
        RetentionRequest request = RetentionRequest.parse(Json.parse(body));
        return catalog.write(database, new RetentionWork(request))
                .thenApply(done -> ApiResponse.of(HttpResponseStatus.OK, IngestBodies.pruned(done.value(), done.txid())));
    }
}
