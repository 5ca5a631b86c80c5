package dev.ferry.primary.http;

import dev.ferry.primary.http.Route.Endpoint;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches method and path to an endpoint. An unknown path is a 404; a known path with a method it
 * does not take is a 405 with an Allow header.
 *
 * <p>The path is split on '/' before URL-decoding each segment, so an encoded slash stays inside
 * its segment: {@code /v1/databases/a%2Fb} names the database "a/b", which is then refused as an
 * invalid name rather than routed somewhere else. The query string is ignored.
 *
 * <p>Stateless and thread-safe.
 */
final class Router {
    private Router() {}

    static Route route(HttpMethod method, String uri) throws ApiException {
        List<String> segments = segments(uri);
        String database = segments.size() >= 3 ? segments.get(2) : null;
        Map<HttpMethod, Endpoint> methods = endpoints(segments);
        if (methods.isEmpty()) {
            throw ApiException.notFound("no such endpoint: " + new QueryStringDecoder(uri).rawPath());
        }
        Endpoint endpoint = methods.get(method);
        if (endpoint == null) {
            String allow = String.join(", ", methods.keySet().stream().map(HttpMethod::name).toList());
            throw ApiException.methodNotAllowed(
                    method + " is not allowed on " + new QueryStringDecoder(uri).rawPath() + "; allowed: " + allow, allow);
        }
        return new Route(endpoint, database);
    }

    /** The methods a path takes, in the order the Allow header lists them; empty for an unknown path. */
    private static Map<HttpMethod, Endpoint> endpoints(List<String> segments) {
        Map<HttpMethod, Endpoint> methods = new LinkedHashMap<>();
        if (segments.equals(List.of("healthz"))) {
            methods.put(HttpMethod.GET, Endpoint.HEALTH);
        } else if (segments.equals(List.of("metrics"))) {
            methods.put(HttpMethod.GET, Endpoint.METRICS);
        } else if (segments.size() >= 2 && segments.get(0).equals("v1") && segments.get(1).equals("databases")) {
            if (segments.size() == 2) {
                methods.put(HttpMethod.GET, Endpoint.LIST_DATABASES);
            } else if (segments.size() == 3) {
                methods.put(HttpMethod.GET, Endpoint.DATABASE_INFO);
                methods.put(HttpMethod.PUT, Endpoint.CREATE_DATABASE);
                methods.put(HttpMethod.DELETE, Endpoint.DELETE_DATABASE);
            } else if (segments.size() == 4 && segments.get(3).equals("execute")) {
                methods.put(HttpMethod.POST, Endpoint.EXECUTE);
            } else if (segments.size() == 4 && segments.get(3).equals("query")) {
                methods.put(HttpMethod.POST, Endpoint.QUERY);
            } else if (segments.size() == 4 && segments.get(3).equals("schema")) {
                methods.put(HttpMethod.GET, Endpoint.SCHEMA);
            } else if (segments.size() == 4 && segments.get(3).equals("ingest")) {
                methods.put(HttpMethod.POST, Endpoint.INGEST);
            } else if (segments.size() == 5 && segments.get(3).equals("ingest") && segments.get(4).equals("retention")) {
                methods.put(HttpMethod.POST, Endpoint.INGEST_RETENTION);
            }
        }
        return methods;
    }

    /** The URL-decoded segments of the path after its leading '/'. */
    private static List<String> segments(String uri) throws ApiException {
        String path = new QueryStringDecoder(uri).rawPath();
        if (!path.startsWith("/")) {
            throw ApiException.badRequest("request target must be an absolute path, not '" + path + "'");
        }
        try {
            return Arrays.stream(path.substring(1).split("/", -1))
                    .map(QueryStringDecoder::decodeComponent)
                    .toList();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed path '" + path + "': " + e.getMessage());
        }
    }
}
