package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.primary.http.Route.Endpoint;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouterTest {

    @ParameterizedTest
    @CsvSource({
        "GET, /healthz, HEALTH, ",
        "GET, /metrics, METRICS, ",
        "GET, /v1/databases, LIST_DATABASES, ",
        "PUT, /v1/databases/orders, CREATE_DATABASE, orders",
        "GET, /v1/databases/orders, DATABASE_INFO, orders",
        "DELETE, /v1/databases/orders, DELETE_DATABASE, orders",
        "POST, /v1/databases/orders/execute, EXECUTE, orders",
        "POST, /v1/databases/orders/query, QUERY, orders",
        "GET, /v1/databases/orders?verbose=1, DATABASE_INFO, orders",
        "GET, /v1/databases/orders/schema, SCHEMA, orders",
        "POST, /v1/databases/orders/ingest, INGEST, orders",
        "POST, /v1/databases/orders/ingest/retention, INGEST_RETENTION, orders",
    })
    void route_knownPath_matchesEndpoint(String method, String uri, Endpoint endpoint, String database) throws Exception {
        assertEquals(new Route(endpoint, database), Router.route(HttpMethod.valueOf(method), uri));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/v1", "/v2/databases", "/v1/databases/orders/rows", "/v1/databases/orders/execute/x",
            "/healthz/x", "/v1/databases/orders/schema/x", "/v1/databases/orders/ingest/x", "/v1/databases/orders/retention"})
    void route_unknownPath_notFound(String uri) {
        ApiException e = assertThrows(ApiException.class, () -> Router.route(HttpMethod.GET, uri));

        assertEquals(HttpResponseStatus.NOT_FOUND, e.status());
        assertEquals("no such endpoint: " + uri, e.getMessage());
    }

    @Test
    void route_wrongMethod_methodNotAllowedWithAllow() {
        ApiException e = assertThrows(ApiException.class, () -> Router.route(HttpMethod.POST, "/v1/databases/orders"));

        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, e.status());
        assertEquals("GET, PUT, DELETE", e.allow());
        assertEquals("POST is not allowed on /v1/databases/orders; allowed: GET, PUT, DELETE", e.getMessage());
    }

    @Test
    void route_getOnExecute_methodNotAllowed() {
        ApiException e = assertThrows(ApiException.class, () -> Router.route(HttpMethod.GET, "/v1/databases/x/execute"));

        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, e.status());
        assertEquals("POST", e.allow());
    }

    @Test
    void route_postOnSchemaOrGetOnIngest_methodNotAllowed() {
        ApiException schema = assertThrows(ApiException.class, () -> Router.route(HttpMethod.POST, "/v1/databases/x/schema"));
        ApiException ingest = assertThrows(ApiException.class,
                () -> Router.route(HttpMethod.GET, "/v1/databases/x/ingest/retention"));

        assertEquals("GET", schema.allow());
        assertEquals("POST", ingest.allow());
    }

    @Test
    void route_encodedSlashInName_staysInTheName() throws Exception {
        Route route = Router.route(HttpMethod.GET, "/v1/databases/..%2F..%2Fetc%2Fpasswd");

        assertEquals(new Route(Endpoint.DATABASE_INFO, "../../etc/passwd"), route);
    }

    @Test
    void route_badPercentEscape_badRequest() {
        ApiException e = assertThrows(ApiException.class, () -> Router.route(HttpMethod.GET, "/v1/databases/a%zz"));

        assertEquals(HttpResponseStatus.BAD_REQUEST, e.status());
    }
}
