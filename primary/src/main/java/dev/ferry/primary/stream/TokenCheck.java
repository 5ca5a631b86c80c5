package dev.ferry.primary.stream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks HELLO's token against the primary's, in constant time: both are hashed with SHA-256 and
 * the digests compared with {@link MessageDigest#isEqual}, so neither the position of the first
 * differing byte nor the length of the expected token shows in the time taken.
 *
 * <p>Immutable and thread-safe.
 */
final class TokenCheck {
    private final byte[] expectedDigest;

    /** @param expected the token agents must present; empty means none is needed (any token passes) */
    TokenCheck(String expected) {
        this.expectedDigest = expected.isEmpty() ? null : sha256(expected);
    }

    boolean accepts(String token) {
        return expectedDigest == null || MessageDigest.isEqual(expectedDigest, sha256(token));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
