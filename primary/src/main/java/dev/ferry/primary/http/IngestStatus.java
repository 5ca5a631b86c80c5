package dev.ferry.primary.http;

import dev.ferry.primary.ingest.IngestRejectedException;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The HTTP status of each reason an ingest or retention request is refused. */
final class IngestStatus {
    private IngestStatus() {}

    static HttpResponseStatus of(IngestRejectedException.Reason reason) {
        return switch (reason) {
            case INVALID -> HttpResponseStatus.BAD_REQUEST;
            case NO_SUCH_TABLE -> HttpResponseStatus.NOT_FOUND;
            case CONFLICT -> HttpResponseStatus.CONFLICT;
            case TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        };
    }
}
