package dev.ferry.primary.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenCheckTest {
    @Test
    void accepts_configuredToken_onlyThatToken() {
        TokenCheck check = new TokenCheck("s3cret");
        assertTrue(check.accepts("s3cret"));
        assertFalse(check.accepts("s3cret "));
        assertFalse(check.accepts("s3cre"));
        assertFalse(check.accepts(""));
    }

    @Test
    void accepts_noTokenConfigured_anyToken() {
        TokenCheck check = new TokenCheck("");
        assertTrue(check.accepts(""));
        assertTrue(check.accepts("whatever"));
    }
}
