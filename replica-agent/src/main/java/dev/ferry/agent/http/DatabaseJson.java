package dev.ferry.agent.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.agent.state.Position;
import dev.ferry.agent.stream.ReplicaStatus;
import java.util.Locale;

/** The JSON form of a replica's status (docs/http-api.md, "Agent HTTP API"). Stateless. */
final class DatabaseJson {
    private DatabaseJson() {}

    static ObjectNode of(ReplicaStatus s) {
        ObjectNode o = Responses.object();
        o.put("name", s.name());
        o.put("txid", s.txid());
        if (s.position() != null) {
            o.put("checksum", String.format(Locale.ROOT, "%016x", s.position().checksum()));
            o.put("position", s.position().toString());
        } else {
            o.putNull("checksum");
            o.putNull("position");
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
    static ObjectNode reached(String db, Position p) {
        ObjectNode o = Responses.object();
        o.put("name", db);
        o.put("txid", p.txid());
        o.put("checksum", String.format(Locale.ROOT, "%016x", p.checksum()));
        o.put("position", p.toString());
        return o;
    }
}
