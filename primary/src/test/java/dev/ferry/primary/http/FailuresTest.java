package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.primary.catalog.DatabaseExistsException;
import dev.ferry.primary.catalog.DatabaseUnavailableException;
import dev.ferry.primary.catalog.InvalidDatabaseNameException;
import dev.ferry.primary.catalog.UnknownDatabaseException;
import dev.ferry.primary.ingest.IngestRejectedException;
import dev.ferry.primary.write.StatementFailedException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    @Test
    void toResponse_statementFailed_400WithIndex() {
        assertAnswer(400, "{\"error\":\"no such table: x\",\"statement\":3}",
                new StatementFailedException(3, "no such table: x", null));
    }

    @Test
    void toResponse_ingestRejected_statusByReasonWithoutStatementIndex() {
        assertAnswer(400, "{\"error\":\"bad row\"}", new IngestRejectedException(IngestRejectedException.Reason.INVALID, "bad row"));
        assertAnswer(404, "{\"error\":\"no t\"}", new IngestRejectedException(IngestRejectedException.Reason.NO_SUCH_TABLE, "no t"));
        assertAnswer(409, "{\"error\":\"clash\"}", new IngestRejectedException(IngestRejectedException.Reason.CONFLICT, "clash"));
        assertAnswer(413, "{\"error\":\"rows\"}", new IngestRejectedException(IngestRejectedException.Reason.TOO_LARGE, "rows"));
    }

    @Test
    void toResponse_invalidName_400() {
        assertAnswer(400, "{\"error\":\"bad name\"}", new InvalidDatabaseNameException("bad name"));
    }

    @Test
    void toResponse_unknownDatabase_404() {
        assertAnswer(404, "{\"error\":\"database x does not exist\"}", new UnknownDatabaseException("database x does not exist"));
    }

    @Test
    void toResponse_databaseExists_409() {
        assertAnswer(409, "{\"error\":\"database x already exists\"}", new DatabaseExistsException("database x already exists"));
    }

    @Test
    void toResponse_databaseUnavailable_503WithReason() {
        assertAnswer(503, "{\"error\":\"checksum mismatch after recovery\"}",
                new DatabaseUnavailableException("checksum mismatch after recovery"));
    }

    @Test
    void toResponse_adminExecutorSaturated_503() {
        assertAnswer(503, "{\"error\":\"the primary is too busy or shutting down; retry later\"}",
                new RejectedExecutionException("queue full"));
    }

    @Test
    void toResponse_unexpectedFailure_500WithoutInternals() {
        assertAnswer(500, "{\"error\":\"internal error; the primary's log has the cause\"}",
                new IOException("disk full at /var/lib/ferry/databases/x/log/00000001.seg"));
    }

    @Test
    void toResponse_wrappedByFutures_unwrapped() {
        assertAnswer(404, "{\"error\":\"gone\"}",
                new CompletionException(new ExecutionException(new UnknownDatabaseException("gone"))));
    }

    @Test
    void toResponse_refusedRequest_keepsStatusAndAllow() {
        ApiResponse response = Failures.toResponse(ApiException.methodNotAllowed("no", "GET"));

        assertEquals(405, response.status().code());
        assertEquals("GET", response.allow());
    }

    private static void assertAnswer(int status, String body, Throwable failure) {
        FullHttpResponse http = HttpResponses.toHttp(ALLOC, Failures.toResponse(failure));
        try {
            assertEquals(status, http.status().code());
            assertEquals(body, http.content().toString(StandardCharsets.UTF_8));
            assertEquals("application/json", http.headers().get("content-type"));
        } finally {
            http.release();
        }
    }
}
