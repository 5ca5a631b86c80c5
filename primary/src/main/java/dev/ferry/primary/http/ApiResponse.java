package dev.ferry.primary.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;

/**
 * What the API answers, before it becomes bytes: a status, a JSON body (or none) and, for a 405,
 * the Allow header. The body is written on the channel's event loop. {@code text} is a plain-text
 * body instead of JSON (the Prometheus exposition of {@code /metrics}); null otherwise.
 */
record ApiResponse(HttpResponseStatus status, Body body, String allow, String text) {

    ApiResponse(HttpResponseStatus status, Body body, String allow) {
        this(status, body, allow, null);
    }

    /** A 200 with {@code text} as a Prometheus text-format body. */
    static ApiResponse prometheus(String text) {
        return new ApiResponse(HttpResponseStatus.OK, null, null, text);
    }

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Body {
        void writeTo(JsonGenerator out) throws IOException;
    }

    static ApiResponse of(HttpResponseStatus status, Body body) {
        return new ApiResponse(status, body, null);
    }

    static ApiResponse noContent() {
        return new ApiResponse(HttpResponseStatus.NO_CONTENT, null, null);
    }
}
