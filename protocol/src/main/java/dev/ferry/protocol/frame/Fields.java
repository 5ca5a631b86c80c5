package dev.ferry.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.regex.Pattern;

/** Writing and checking the field kinds that several messages share. Stateless. */
final class Fields {
    /** Database names, as the primary's catalog accepts them. */
    private static final Pattern DB_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** Subscription patterns: a name, or a glob whose only wildcards are {@code *} and {@code ?}. */
    private static final Pattern DB_PATTERN = Pattern.compile("[a-z0-9_*?-]{1,255}");

    private Fields() {}

    /** Writes a u16 length and the UTF-8 bytes. Does not take ownership of {@code out}. */
    static void writeString(ByteBuf out, String value) {
        out.writeShort(ByteBufUtil.utf8Bytes(value));
        ByteBufUtil.writeUtf8(out, value);
    }

    /** Bytes {@link #writeString} writes for {@code value}. */
    static int stringSize(String value) {
        return 2 + ByteBufUtil.utf8Bytes(value);
    }

    static int utf8Bytes(String value) {
        return ByteBufUtil.utf8Bytes(value);
    }

    static boolean isDatabaseName(String db) {
        return db != null && DB_NAME.matcher(db).matches();
    }

    static boolean isPattern(String pattern) {
        return pattern != null && DB_PATTERN.matcher(pattern).matches();
    }

    /** A database checksum always has bit 63 set (docs/protocol.md, "Database checksum"). */
    static boolean isChecksum(long checksum) {
        return checksum < 0;
    }

    /** Throws {@code rule N: message} unless {@code ok}. */
    static void rule(boolean ok, int number, String message) {
        if (!ok) {
            throw new IllegalArgumentException("rule " + number + ": " + message);
        }
    }

    /** Whether {@code value} is present and at most {@code maxBytes} bytes of UTF-8. */
    static boolean fits(String value, int maxBytes) {
        return value != null && utf8Bytes(value) <= maxBytes;
    }

    /** {@code value} in quotes for a message, so that an empty or blank name is visible. */
    static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }
}
