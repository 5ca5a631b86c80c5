package dev.ferry.agent;

import dev.ferry.agent.apply.ApplyOptions;
import dev.ferry.agent.apply.DataDirectory;
import dev.ferry.agent.http.AgentHttpServer;
import dev.ferry.agent.stream.AgentMetrics;
import dev.ferry.agent.stream.ClientSettings;
import dev.ferry.agent.stream.ReplicationClient;
import dev.ferry.agent.stream.Replicas;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: the locked data directory, one apply thread per replica, the connection to the
 * primary and the local HTTP API. Starts in that order and stops in the reverse one, so the HTTP
 * API never reads a closed replica and no apply thread outlives the directory lock.
 *
 * <p>Thread-safe: {@link #close} is synchronized and idempotent.
 */
final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    /** Bytes queued for the apply threads above which the agent stops reading from the primary. */
    static final long QUEUE_HIGH_WATER_BYTES = 64L << 20;

    private final AgentConfig config;
    private final DataDirectory dataDirectory;
    private final Replicas replicas;
    private final ReplicationClient client;
    private final AgentHttpServer http;
    private boolean closed;

    private Agent(AgentConfig config, DataDirectory dataDirectory, Replicas replicas, ReplicationClient client,
            AgentHttpServer http) {
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.replicas = replicas;
        this.client = client;
        this.http = http;
    }

    static Agent start(AgentConfig config) throws IOException, InterruptedException {
        DataDirectory dir = DataDirectory.lock(config.dataDir());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ApplyOptions applyOptions = ApplyOptions.defaults().withPublishBeforeSync(config.publishBeforeFsync());
        Replicas replicas = new Replicas(dir, applyOptions, config.subscription(), new AgentMetrics(registry),
                QUEUE_HIGH_WATER_BYTES);
        AgentHttpServer http = null;
        try {
            replicas.openExisting();
            http = AgentHttpServer.start(new InetSocketAddress(config.httpBind(), config.httpPort()), replicas,
                    config.primaryHttp(), registry);
        } catch (IOException | InterruptedException | RuntimeException e) {
            replicas.stop(config.shutdownTimeoutMs());
            dir.close();
            throw e;
        }
        ReplicationClient client = new ReplicationClient(new ClientSettings(config.primaryHost(), config.primaryPort(),
                config.agentId(), config.token(), ClientSettings.DEFAULT_HANDSHAKE_TIMEOUT_MS,
                ClientSettings.DEFAULT_RECONNECT_MIN_MS, ClientSettings.DEFAULT_RECONNECT_MAX_MS), replicas);
        client.start();
        // Scripts and tests wait for this line; with --http-port 0 it is the only way to learn the port.
        LOG.info("ferry-agent listening http={}:{} primary={}:{} data-dir={} db={} agent-id={}",
                http.address().getAddress().getHostAddress(), http.address().getPort(), config.primaryHost(),
                config.primaryPort(), config.dataDir().toAbsolutePath(), config.subscription().patterns(),
                config.agentId());
        return new Agent(config, dir, replicas, client, http);
    }

    InetSocketAddress httpAddress() {
        return http.address();
    }

    /**
     * Graceful stop: the connection closes (a snapshot in flight is dropped, nothing partial is
     * visible), the apply threads finish the changesets already received, the HTTP API and the
     * directory lock go last.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("ferry-agent stopping");
        try {
            client.stop(config.shutdownTimeoutMs());
            replicas.stop(config.shutdownTimeoutMs());
            http.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while stopping");
        } finally {
            try {
                dataDirectory.close();
            } catch (IOException e) {
                LOG.warn("unlock {}: {}", config.dataDir(), e.toString());
            }
        }
        LOG.info("ferry-agent stopped");
    }
}
