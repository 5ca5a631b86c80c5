package dev.ferry.systemtest.harness;

/** The primary answered, with another status than the request expects. */
public final class UnexpectedResponseException extends RuntimeException {
    private final int status;
    private final String body;

    UnexpectedResponseException(String request, int expected, int status, String body) {
        super(request + " answered " + status + " (expected " + expected + "): " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
