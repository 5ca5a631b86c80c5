package dev.ferry.protocol.frame;

/**
 * SUBSCRIBE patterns: a database name, or a glob where {@code *} matches any run of characters
 * (also none) and {@code ?} exactly one (docs/protocol.md, "SUBSCRIBE").
 *
 * <p>Stateless and thread-safe.
 */
public final class GlobPattern {
    private GlobPattern() {}

    /** Whether {@code pattern} has a wildcard; one without is an exact database name. */
    public static boolean isGlob(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    /**
     * Whether {@code name} matches {@code pattern}. Iterative with one backtrack point (the last
     * {@code *}), so a pattern of many stars costs O(pattern × name), never exponential time.
     */
    public static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int starMatch = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starMatch = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++starMatch;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
