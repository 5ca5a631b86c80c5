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

    /** True if non-blank, non-comment text follows the first statement's terminating semicolon. */
    public boolean hasTrailingStatement() {
        return hasTrailingStatement;
    }

    public static SqlText scan(String sql) {
        List<String> names = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        boolean ended = false;
        TriggerBody trigger = new TriggerBody();
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
            } else if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(sql, i, c);
            } else if (c == '[') {
                int close = sql.indexOf(']', i + 1);
                i = close < 0 ? n : close + 1;
            } else if (c == ';') {
                ended = !trigger.inBody();
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                    j++;
                }
                trigger.word(sql.substring(i, j));
                i = j;
            } else if (c == '?') {
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
        int i = 0;
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
        int j = i;
        while (j < n && Character.isLetter(sql.charAt(j))) {
            j++;
        }
        return sql.substring(i, j).toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Follows the words of a CREATE [TEMP] TRIGGER statement, whose body holds statements that end
     * in semicolons: between BEGIN and its END (CASE … END nest inside), a semicolon does not end
     * the statement. SQLite's own sqlite3_complete() follows the same rule.
     */
    private static final class TriggerBody {
        private int words;
        private boolean create;
        private boolean isTrigger;
        private int depth;

        void word(String word) {
            String w = word.toUpperCase(java.util.Locale.ROOT);
            words++;
            if (words == 1) {
                create = w.equals("CREATE");
                return;
            }
            if (!isTrigger) {
                if (create && words <= 3 && w.equals("TRIGGER")) {
                    isTrigger = true;
                } else if (!(words == 2 && (w.equals("TEMP") || w.equals("TEMPORARY")))) {
                    create = false;
                }
                return;
            }
            if (w.equals("BEGIN") || w.equals("CASE")) {
                depth++;
            } else if (w.equals("END") && depth > 0) {
                depth--;
            }
        }

        boolean inBody() {
            return isTrigger && depth > 0;
        }
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
