package dev.ferry.primary.catalog;

import java.util.regex.Pattern;

/** Validates database names: {@code [a-z0-9][a-z0-9_-]{0,62}}, so a name can never be a path trick. */
public final class DatabaseName {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private DatabaseName() {}

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Returns {@code name} if valid, else throws naming the rule. */
    public static String check(String name) throws InvalidDatabaseNameException {
        if (!isValid(name)) {
            throw new InvalidDatabaseNameException("invalid database name '" + name
                    + "': names match [a-z0-9][a-z0-9_-]{0,62}");
        }
        return name;
    }
}
