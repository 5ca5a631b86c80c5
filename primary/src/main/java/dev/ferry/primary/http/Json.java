package dev.ferry.primary.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads request bodies into trees and writes response bodies, with one Jackson configuration.
 *
 * <p>Integers are read as int, long or BigInteger nodes, never through a double, so a 64-bit
 * integer arrives exact (and one outside 64 bits can be refused by the caller). Duplicate keys and
 * trailing content are errors. Jackson's default 20 MB string limit is lifted because the body
 * limit (--max-body-bytes) already bounds every string.
 *
 * <p>Thread-safe.
 */
final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();
    private static final ObjectMapper MAPPER =
            new ObjectMapper(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    /**
     * Parses a request body; an empty body gives null. Does not take ownership of {@code body} and
     * leaves its reader index alone.
     */
    static JsonNode parse(ByteBuf body) throws ApiException {
        if (!body.isReadable()) {
            return null;
        }
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            return MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + describe(e));
        } catch (IOException e) {
            throw new IllegalStateException("reading a request body held in memory failed", e);
        }
    }

    /** Opens a generator that appends UTF-8 JSON to {@code out}; the caller closes it. */
    static JsonGenerator generator(ByteBuf out) throws IOException {
        return FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out));
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        String message = e.getOriginalMessage();
        return where == null ? message : message + " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }
}
