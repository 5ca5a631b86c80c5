package dev.ferry.agent.http;

import dev.ferry.agent.state.Position;
import dev.ferry.agent.stream.ReplicaStatus;
import java.util.Locale;
import java.util.Map;

/** The JSON form of a replica's status (docs/http-api.md, "Agent HTTP API"). Stateless. */
final class DatabaseJson {
    private DatabaseJson() {}

    static Map<String, Object> of(ReplicaStatus s) {
        Map<String, Object> o = JsonBodies.object();
        o.put("name", s.name());
        o.put("txid", s.txid());
        if (s.position() != null) {
            o.put("checksum", String.format(Locale.ROOT, "%016x", s.position().checksum()));
            o.put("position", s.position().toString());
        } else {
            o.put("checksum", null);
            o.put("position", null);
        }
        o.put("primary_txid", s.primaryTxid());
        o.put("lag_txids", s.lagTxids());
        o.put("lag_ms", s.lagMs());
        o.put("wal_bytes", s.walBytes());
        o.put("bootstrapped", s.bootstrapped());
        o.put("state", s.state().name().toLowerCase(Locale.ROOT));
        return o;
    }

    /** The answer of a completed wait: the position reached. */
    static Map<String, Object> reached(String db, Position p) {
        Map<String, Object> o = JsonBodies.object();
        o.put("name", db);
        o.put("txid", p.txid());
        o.put("checksum", String.format(Locale.ROOT, "%016x", p.checksum()));
        o.put("position", p.toString());
        return o;
    }
}
