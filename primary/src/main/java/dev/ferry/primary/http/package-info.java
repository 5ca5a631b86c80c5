/**
 * The primary's HTTP API: routing, the JSON shapes of requests and responses, the mapping of JSON
 * values to SQLite values, and the mapping of failures to statuses. {@link
 * dev.ferry.primary.http.HttpServer} is the entry point; docs/http-api.md is the reference.
 *
 * <p>Netty event-loop threads parse and validate requests but never touch SQLite or the disk:
 * catalog administration runs on a small dedicated executor, and execute/query futures complete on
 * the catalog's own threads.
 */
package dev.ferry.primary.http;
