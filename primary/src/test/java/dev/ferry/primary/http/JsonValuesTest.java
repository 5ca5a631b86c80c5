package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    @Test
    void write_eachResultType_mappedToJson() throws Exception {
        assertEquals("null", written(null));
        assertEquals("9223372036854775807", written(Long.MAX_VALUE));
        assertEquals("-9223372036854775808", written(Long.MIN_VALUE));
        assertEquals("0.1", written(0.1));
        assertEquals("\"héllo\"", written("héllo"));
        assertEquals("{\"base64\":\"AP8=\"}", written(new byte[] {0, (byte) 0xff}));
        assertEquals("{\"base64\":\"\"}", written(new byte[0]));
    }

    @Test
    void write_nonFiniteReal_writtenAsString() throws Exception {
        assertEquals("\"Infinity\"", written(Double.POSITIVE_INFINITY));
        assertEquals("\"-Infinity\"", written(Double.NEGATIVE_INFINITY));
    }

    @Test
    void write_unsupportedType_throwsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> written(new Object()));

        assertEquals("a result value of type java.lang.Object has no JSON mapping", e.getMessage());
    }

    private static String written(Object value) throws Exception {
        ByteBuf out = Unpooled.buffer();
        try {
            try (JsonGenerator generator = Json.generator(out)) {
                JsonValues.write(generator, value);
            }
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}
