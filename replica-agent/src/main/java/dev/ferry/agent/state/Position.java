package dev.ferry.agent.state;

import java.util.Locale;

/**
 * A replica position: the last applied transaction id and the database checksum after it.
 *
 * <p>Written {@code %016x/%016x} (txid/checksum) wherever a person or a script reads it.
 */
public record Position(long txid, long checksum) {

    public Position {
        if (txid < 0) {
            throw new IllegalArgumentException("position txid " + txid + " is negative");
        }
    }

    /** Parses {@code %016x/%016x}; surrounding white space is ignored. */
    public static Position parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        if (slash != 16 || s.length() != 33) {
            throw new IllegalArgumentException("position '" + s + "' is not of the form %016x/%016x");
        }
        try {
            return new Position(Long.parseUnsignedLong(s, 0, 16, 16), Long.parseUnsignedLong(s, 17, 33, 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("position '" + s + "' is not hexadecimal: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%016x/%016x", txid, checksum);
    }
}
