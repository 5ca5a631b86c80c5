/**
 * The agent's local HTTP API, bound to 127.0.0.1 by default: replica positions and lag, waiting for
 * a position, write forwarding to the primary with read-your-writes, health, readiness and
 * Prometheus metrics. docs/http-api.md ("Agent HTTP API") is the reference.
 *
 * <p>Handlers never block an event loop: waits complete from the apply threads, forwarded writes
 * from the HTTP client's threads.
 */
package dev.ferry.agent.http;
