package dev.ferry.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String written(Object body) {
        return new String(JsonBodies.write(body), StandardCharsets.UTF_8);
    }

    @Test
    void write_keepsFieldOrderAndEscapes() {
        Map<String, Object> o = JsonBodies.object();
        o.put("name", "a\"b\\c\n\u00e9");
        o.put("txid", 9_007_199_254_740_993L);
        o.put("ready", false);
        o.put("checksum", null);
        o.put("names", List.of("x", "y"));
        o.put("nested", Map.of("n", 1));
        assertEquals("{\"name\":\"a\\\"b\\\\c\\n\u00e9\",\"txid\":9007199254740993,\"ready\":false,\"checksum\":null,"
                + "\"names\":[\"x\",\"y\"],\"nested\":{\"n\":1}}", written(o));
    }

    @Test
    void raw_passesOneWellFormedValueThrough_andNothingElse() {
        Map<String, Object> o = JsonBodies.object();
        o.put("primary_response", JsonBodies.raw(utf8("{\"results\": [], \"txid\": 7}")).orElse(null));
        assertEquals("{\"primary_response\":{\"results\": [], \"txid\": 7}}", written(o));
        for (String bad : new String[] {"", "<html>502</html>", "{\"txid\": 7", "{} {}", "[1,]"}) {
            assertTrue(JsonBodies.raw(utf8(bad)).isEmpty(), bad);
        }
    }

    @Test
    void longField_readsTheTopLevelIntegerOnly() {
        assertEquals(OptionalLong.of(42), JsonBodies.longField(utf8("{\"results\": [{\"txid\": 1}], \"txid\": 42}"), "txid"));
        assertEquals(OptionalLong.of(Long.MAX_VALUE),
                JsonBodies.longField(utf8("{\"txid\": " + Long.MAX_VALUE + "}"), "txid"));
        for (String none : Arrays.asList("{\"results\": [{\"txid\": 1}]}", "{\"txid\": \"42\"}", "{\"txid\": 4.5}",
                "{\"txid\": 9223372036854775808}", "[{\"txid\": 1}]", "{\"txid\": 42", "not json")) {
            assertTrue(JsonBodies.longField(utf8(none), "txid").isEmpty(), none);
        }
    }
}
