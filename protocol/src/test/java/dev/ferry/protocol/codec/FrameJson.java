package dev.ferry.protocol.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.protocol.frame.AckFrame;
import dev.ferry.protocol.frame.ChangesetFrame;
import dev.ferry.protocol.frame.DatabaseAddedFrame;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.DatabaseRemovedFrame;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.SubscribedFrame;
import dev.ferry.protocol.frame.WelcomeFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The decoded fields of a frame test vector (docs/protocol.md, "Frame vectors"): field names as in
 * the records, checksums as 16 hex digits, bulk data as {@code data_hex}.
 */
final class FrameJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private FrameJson() {}

    /** Fields of {@code frame}; does not take ownership of it. */
    static ObjectNode toJson(Frame frame) {
        ObjectNode f = JSON.createObjectNode();
        switch (frame.type()) {
            case HELLO -> {
                HelloFrame h = (HelloFrame) frame;
                f.put("minVersion", h.minVersion()).put("maxVersion", h.maxVersion())
                        .put("agentId", h.agentId()).put("token", h.token());
            }
            case WELCOME -> {
                WelcomeFrame w = (WelcomeFrame) frame;
                f.put("version", w.version()).put("primaryId", w.primaryId())
                        .put("heartbeatIntervalMs", w.heartbeatIntervalMs());
            }
            case ERROR -> {
                ErrorFrame e = (ErrorFrame) frame;
                f.put("code", e.code()).put("message", e.message());
            }
            case SUBSCRIBE -> {
                SubscribeFrame s = (SubscribeFrame) frame;
                ArrayNode patterns = f.putArray("patterns");
                s.patterns().forEach(patterns::add);
                ArrayNode positions = f.putArray("positions");
                s.positions().forEach(p -> position(positions.addObject(), p.db(), p.txid(), p.checksum()));
            }
            case DATABASE_ADDED -> {
                DatabaseAddedFrame a = (DatabaseAddedFrame) frame;
                f.put("db", a.db());
            }
            case DATABASE_REMOVED -> {
                DatabaseRemovedFrame r = (DatabaseRemovedFrame) frame;
                f.put("db", r.db());
            }
            case SNAPSHOT_BEGIN -> {
                SnapshotBeginFrame b = (SnapshotBeginFrame) frame;
                position(f, b.db(), b.txid(), b.checksum())
                        .put("pageSize", b.pageSize()).put("pageCount", b.pageCount());
            }
            case SNAPSHOT_CHUNK -> {
                SnapshotChunkFrame c = (SnapshotChunkFrame) frame;
                f.put("db", c.db()).put("firstPgno", c.firstPgno())
                        .put("pageCount", c.pageCount()).put("pageSize", c.pageSize())
                        .put("compression", c.compression()).put("data_hex", hex(c.data()));
            }
            case SNAPSHOT_END -> {
                SnapshotEndFrame e = (SnapshotEndFrame) frame;
                position(f, e.db(), e.txid(), e.checksum());
            }
            case CHANGESET -> {
                ChangesetFrame c = (ChangesetFrame) frame;
                f.put("db", c.db()).put("flags", c.flags()).put("totalLength", c.totalLength())
                        .put("data_hex", hex(c.data()));
            }
            case ACK -> {
                AckFrame a = (AckFrame) frame;
                position(f, a.db(), a.txid(), a.checksum());
            }
            case HEARTBEAT -> {
                HeartbeatFrame h = (HeartbeatFrame) frame;
                f.put("timestampMs", h.timestampMs());
            }
            case SUBSCRIBED -> {
                SubscribedFrame s = (SubscribedFrame) frame;
                f.put("flags", s.flags());
                ArrayNode names = f.putArray("names");
                s.names().forEach(names::add);
            }
        }
        return f;
    }

    /** The frame a vector's {@code type} and {@code fields} describe; the caller owns it. */
    static Frame fromJson(String type, JsonNode f) {
        return switch (type) {
            case "HELLO" -> new HelloFrame(f.get("minVersion").asInt(), f.get("maxVersion").asInt(),
                    f.get("agentId").asText(), f.get("token").asText());
            case "WELCOME" -> new WelcomeFrame(f.get("version").asInt(), f.get("primaryId").asText(),
                    f.get("heartbeatIntervalMs").asLong());
            case "ERROR" -> new ErrorFrame(f.get("code").asInt(), f.get("message").asText());
            case "SUBSCRIBE" -> {
                List<String> patterns = new ArrayList<>();
                f.get("patterns").forEach(p -> patterns.add(p.asText()));
                List<DatabasePosition> positions = new ArrayList<>();
                f.get("positions").forEach(p -> positions.add(
                        new DatabasePosition(p.get("db").asText(), p.get("txid").asLong(), checksum(p))));
                yield new SubscribeFrame(patterns, positions);
            }
            case "DATABASE_ADDED" -> new DatabaseAddedFrame(f.get("db").asText());
            case "DATABASE_REMOVED" -> new DatabaseRemovedFrame(f.get("db").asText());
            case "SNAPSHOT_BEGIN" -> new SnapshotBeginFrame(f.get("db").asText(), f.get("txid").asLong(), checksum(f),
                    f.get("pageSize").asInt(), f.get("pageCount").asInt());
            case "SNAPSHOT_CHUNK" -> new SnapshotChunkFrame(f.get("db").asText(), f.get("firstPgno").asInt(),
                    f.get("pageCount").asInt(), f.get("pageSize").asInt(), f.get("compression").asInt(), data(f));
            case "SNAPSHOT_END" -> new SnapshotEndFrame(f.get("db").asText(), f.get("txid").asLong(), checksum(f));
            case "CHANGESET" -> new ChangesetFrame(f.get("db").asText(), f.get("flags").asInt(),
                    f.get("totalLength").asInt(), data(f));
            case "ACK" -> new AckFrame(f.get("db").asText(), f.get("txid").asLong(), checksum(f));
            case "HEARTBEAT" -> new HeartbeatFrame(f.get("timestampMs").asLong());
            case "SUBSCRIBED" -> {
                List<String> names = new ArrayList<>();
                f.get("names").forEach(n -> names.add(n.asText()));
                yield new SubscribedFrame(f.get("flags").asInt(), names);
            }
            default -> throw new IllegalArgumentException("unknown vector type " + type);
        };
    }

    private static ObjectNode position(ObjectNode f, String db, long txid, long checksum) {
        return f.put("db", db).put("txid", txid).put("checksum", String.format("%016x", checksum));
    }

    private static long checksum(JsonNode f) {
        return Long.parseUnsignedLong(f.get("checksum").asText(), 16);
    }

    private static ByteBuf data(JsonNode f) {
        return Unpooled.wrappedBuffer(HEX.parseHex(f.get("data_hex").asText()));
    }

    private static String hex(ByteBuf data) {
        return HEX.formatHex(ByteBufUtil.getBytes(data));
    }
}
