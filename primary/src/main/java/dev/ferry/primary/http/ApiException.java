package dev.ferry.primary.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the API refuses before it reaches the catalog (bad route, bad method, bad body). The
 * message is written to the client as is, so it names what was wrong.
 */
final class ApiException extends Exception {
    private final HttpResponseStatus status;
    private final String allow;
    private final String limit;

    private ApiException(HttpResponseStatus status, String message, String allow) {
        this(status, message, allow, null);
    }

    private ApiException(HttpResponseStatus status, String message, String allow, String limit) {
        super(message);
        this.status = status;
        this.allow = allow;
        this.limit = limit;
    }

    /** A 400 for a request over a configured limit; {@code limit} is the option's name. */
    static ApiException limitExceeded(String limit, String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, message, null, limit);
    }

    /** The name of the limit the request exceeded, else null. */
    String limit() {
        return limit;
    }

    static ApiException badRequest(String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, message, null);
    }

    static ApiException notFound(String message) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, message, null);
    }

    /** A 405; {@code allow} is the value of the Allow header, the methods the path does take. */
    static ApiException methodNotAllowed(String message, String allow) {
        return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, message, allow);
    }

    HttpResponseStatus status() {
        return status;
    }

    /** The Allow header for a 405, else null. */
    String allow() {
        return allow;
    }
}
