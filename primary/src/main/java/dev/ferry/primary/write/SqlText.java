package dev.ferry.primary.write;

import java.util.ArrayList;
import java.util.List;

/**
 * Lexical facts about one SQL string that JDBC does not expose: the parameter each index binds
 * (SQLite numbers {@code ?} as the next index, {@code ?NNN} as NNN, and gives each distinct
 * {@code :name}, {@code @name} or {@code $name} the next index at its first appearance), and
 * whether anything follows the first statement.
 *
 * <p>The scan skips string literals, quoted identifiers ({@code "x"}, {@code `x`}, {@code [x]})
 * and comments, as SQLite's tokenizer does. It does not parse SQL; SQLite still compiles the
 * statement and rejects anything malformed.
 */
public final class SqlText {
    private final List<String> parameterNames;
    private final boolean hasTrailingStatement;

    private SqlText(List<String> parameterNames, boolean hasTrailingStatement) {
        this.parameterNames = parameterNames;
        this.hasTrailingStatement = hasTrailingStatement;
    }

    /** Parameter names by index (index 1 at position 0); null for a positional parameter. */
    public List<String> parameterNames() {
        return parameterNames;
    }

    /**
     * True if non-blank, non-comment text follows the semicolon that ends the first statement (a
     * semicolon inside a CREATE TRIGGER body does not end it, as in SQLite's own
     * {@code sqlite3_complete}). A leading semicolon counts as ending an (empty) first statement.
     */
    public boolean hasTrailingStatement() {
        return hasTrailingStatement;
    }

    // The statement-end state machine of SQLite's sqlite3_complete() (src/complete.c): a ';' ends
    // a statement except inside the body of CREATE [TEMP] TRIGGER … BEGIN … END.
    private static final int TK_SEMI = 0;
    private static final int TK_OTHER = 2;
    private static final int TK_EXPLAIN = 3;
    private static final int TK_CREATE = 4;
    private static final int TK_TEMP = 5;
    private static final int TK_TRIGGER = 6;
    private static final int TK_END = 7;
    /** State 1 (START) is reached exactly when a ';' has ended a statement. */
    private static final int START = 1;
    private static final int[][] TRANSITIONS = {
        /* 0 INVALID */ {1, 0, 2, 3, 4, 2, 2, 2},
        /* 1 START   */ {1, 1, 2, 3, 4, 2, 2, 2},
        /* 2 NORMAL  */ {1, 2, 2, 2, 2, 2, 2, 2},
        /* 3 EXPLAIN */ {1, 3, 3, 2, 4, 2, 2, 2},
        /* 4 CREATE  */ {1, 4, 2, 2, 2, 4, 5, 2},
        /* 5 TRIGGER */ {6, 5, 5, 5, 5, 5, 5, 5},
        /* 6 SEMI    */ {6, 6, 5, 5, 5, 5, 5, 7},
        /* 7 END     */ {1, 7, 5, 5, 5, 5, 5, 5},
    };

    private static int keywordToken(String word) {
        switch (word.toUpperCase(java.util.Locale.ROOT)) {
            case "EXPLAIN":
                return TK_EXPLAIN;
            case "CREATE":
                return TK_CREATE;
            case "TEMP":
            case "TEMPORARY":
                return TK_TEMP;
            case "TRIGGER":
                return TK_TRIGGER;
            case "END":
                return TK_END;
            default:
                return TK_OTHER;
        }
    }

    public static SqlText scan(String sql) {
        List<String> names = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        int state = 0;
        boolean ended = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (ended) {
                if (Character.isWhitespace(c) || c == ';') {
                    i++;
                    continue;
                }
                int skipped = skipComment(sql, i);
                if (skipped > i) {
                    i = skipped;
                    continue;
                }
                return new SqlText(names, true);
            }
            int skipped = skipComment(sql, i);
            if (skipped > i) {
                i = skipped;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(sql, i, c);
                state = TRANSITIONS[state][TK_OTHER];
            } else if (c == '[') {
                int close = sql.indexOf(']', i + 1);
                i = close < 0 ? n : close + 1;
                state = TRANSITIONS[state][TK_OTHER];
            } else if (c == ';') {
                state = TRANSITIONS[state][TK_SEMI];
                ended = state == START;
                i++;
            } else if (isIdentChar(c)) {
                int j = i + 1;
                while (j < n && (isIdentChar(sql.charAt(j)) || sql.charAt(j) == '$')) {
                    j++;
                }
                state = TRANSITIONS[state][keywordToken(sql.substring(i, j))];
                i = j;
            } else if (c == '?') {
                state = TRANSITIONS[state][TK_OTHER];
                int j = i + 1;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                if (j > i + 1) {
                    int index = Integer.parseInt(sql.substring(i + 1, j));
                    while (names.size() < index) {
                        names.add(null);
                    }
                } else {
                    names.add(null);
                }
                i = j;
            } else if ((c == ':' || c == '@' || c == '$') && i + 1 < n && isIdentChar(sql.charAt(i + 1))) {
                state = TRANSITIONS[state][TK_OTHER];
                int j = i + 1;
                while (j < n && isIdentChar(sql.charAt(j))) {
                    j++;
                }
                String name = sql.substring(i + 1, j);
                if (!names.contains(name)) {
                    names.add(name);
                }
                i = j;
            } else {
                state = TRANSITIONS[state][TK_OTHER];
                i++;
            }
        }
        return new SqlText(names, false);
    }

    /**
     * The first word of {@code sql}, upper-cased ("" if none), after comments and blanks; reads
     * only the start of the text, so the writer can route a request without a full scan.
     */
    public static String firstKeyword(String sql) {
        int i = skipBlank(sql, 0);
        int n = sql.length();
        int j = i;
        while (j < n && Character.isLetter(sql.charAt(j))) {
            j++;
        }
        return sql.substring(i, j).toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * If {@code sql} is a PRAGMA statement, the pragma's name, lower-cased and unquoted ("" if it
     * cannot be read); null if the statement does not start with the keyword PRAGMA. Used only to
     * keep pragmas that act while they are compiled from ever being compiled (see
     * {@link StatementGuard}); an unreadable name is treated as not allowed.
     */
    public static String pragmaName(String sql) {
        if (!firstKeyword(sql).equals("PRAGMA")) {
            return null;
        }
        int i = skipBlank(sql, skipBlank(sql, 0) + "PRAGMA".length());
        int[] end = new int[1];
        String first = identifier(sql, i, end);
        if (first == null) {
            return "";
        }
        int j = skipBlank(sql, end[0]);
        if (j < sql.length() && sql.charAt(j) == '.') {
            String second = identifier(sql, skipBlank(sql, j + 1), end);
            return second == null ? "" : second.toLowerCase(java.util.Locale.ROOT);
        }
        return first.toLowerCase(java.util.Locale.ROOT);
    }

    private static int skipBlank(String sql, int i) {
        int n = sql.length();
        while (i < n) {
            int skipped = skipComment(sql, i);
            if (skipped > i) {
                i = skipped;
            } else if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /** A bare or quoted ("x", `x`, [x]) identifier at {@code i}, unquoted; null if none. */
    private static String identifier(String sql, int i, int[] end) {
        int n = sql.length();
        if (i >= n) {
            return null;
        }
        char c = sql.charAt(i);
        if (c == '"' || c == '`') {
            end[0] = skipQuoted(sql, i, c);
            String inner = sql.substring(i + 1, Math.max(i + 1, end[0] - 1));
            return inner.replace(String.valueOf(c) + c, String.valueOf(c));
        }
        if (c == '[') {
            int close = sql.indexOf(']', i + 1);
            if (close < 0) {
                return null;
            }
            end[0] = close + 1;
            return sql.substring(i + 1, close);
        }
        int j = i;
        while (j < n && isIdentChar(sql.charAt(j))) {
            j++;
        }
        end[0] = j;
        return j == i ? null : sql.substring(i, j);
    }

    private static boolean isIdentChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c > 0x7f;
    }

    private static int skipComment(String sql, int i) {
        int n = sql.length();
        if (sql.startsWith("--", i)) {
            int nl = sql.indexOf('\n', i);
            return nl < 0 ? n : nl + 1;
        }
        if (sql.startsWith("/*", i)) {
            int end = sql.indexOf("*/", i + 2);
            return end < 0 ? n : end + 2;
        }
        return i;
    }

    /** Skips a literal quoted with {@code q}; a doubled quote is an escaped quote. */
    private static int skipQuoted(String sql, int i, char q) {
        int j = i + 1;
        int n = sql.length();
        while (j < n) {
            if (sql.charAt(j) == q) {
                if (j + 1 < n && sql.charAt(j + 1) == q) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return n;
    }
}
