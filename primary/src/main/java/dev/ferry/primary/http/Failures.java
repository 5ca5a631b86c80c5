package dev.ferry.primary.http;

import dev.ferry.primary.catalog.DatabaseExistsException;
import dev.ferry.primary.catalog.DatabaseUnavailableException;
import dev.ferry.primary.catalog.InvalidDatabaseNameException;
import dev.ferry.primary.catalog.UnknownDatabaseException;
import dev.ferry.primary.ingest.IngestRejectedException;
import dev.ferry.primary.write.LimitExceededException;
import dev.ferry.primary.write.StatementFailedException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to its status and JSON error body, in one place so that the same failure
 * always gets the same answer:
 *
 * <ol>
 *   <li>refused request (route, method, body shape) → its own status (400, 404, 405);
 *   <li>invalid database name → 400; unknown database → 404; existing database → 409;
 *   <li>failed statement → 400 with the statement's index (and the limit's name if it hit one);
 *   <li>refused ingest or retention → 400 (invalid), 404 (no such table), 409 (type conflict), 413 (too many rows);
 *   <li>unavailable database → 503; admin executor saturated → 503;
 *   <li>anything else → 500, logged with its cause; the client gets no internals.
 * </ol>
 */
final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {}

    static ApiResponse toResponse(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ApiException) {
            ApiException refused = (ApiException) cause;
            return new ApiResponse(refused.status(), ResponseBodies.error(refused.getMessage(), null, refused.limit()),
                    refused.allow());
        }
        if (cause instanceof StatementFailedException) {
            StatementFailedException failed = (StatementFailedException) cause;
            String limit = failed.getCause() instanceof LimitExceededException l ? l.limit() : null;
            return ApiResponse.of(HttpResponseStatus.BAD_REQUEST,
                    ResponseBodies.error(failed.getMessage(), failed.statementIndex(), limit));
        }
        if (cause instanceof IngestRejectedException refused) {
            return error(IngestStatus.of(refused.reason()), refused.getMessage(), null);
        }
        if (cause instanceof InvalidDatabaseNameException) {
            return error(HttpResponseStatus.BAD_REQUEST, cause.getMessage(), null);
        }
        if (cause instanceof UnknownDatabaseException) {
            return error(HttpResponseStatus.NOT_FOUND, cause.getMessage(), null);
        }
        if (cause instanceof DatabaseExistsException) {
            return error(HttpResponseStatus.CONFLICT, cause.getMessage(), null);
        }
        if (cause instanceof DatabaseUnavailableException) {
            return error(HttpResponseStatus.SERVICE_UNAVAILABLE, cause.getMessage(), null);
        }
        if (cause instanceof RejectedExecutionException) {
            LOG.warn("refusing a request: {}", cause.getMessage());
            return error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the primary is too busy or shutting down; retry later", null);
        }
        LOG.error("internal error while serving a request", cause);
        return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error; the primary's log has the cause", null);
    }

    static ApiResponse error(HttpResponseStatus status, String message, Integer statement) {
        return ApiResponse.of(status, ResponseBodies.error(message, statement));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
