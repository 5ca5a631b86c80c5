package dev.ferry.primary.write;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Binds the values of the HTTP API's value mapping (docs/http-api.md, "Values") to parameters. */
public final class ParameterValues {
    private ParameterValues() {}

    /** Binds null, Long, Integer, Double, String, byte[] or Boolean (as 0/1) to parameter {@code index}. */
    public static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(index, Types.NULL);
        } else if (v instanceof Long l) {
            ps.setLong(index, l);
        } else if (v instanceof Integer i) {
            ps.setLong(index, i);
        } else if (v instanceof Double d) {
            ps.setDouble(index, d);
        } else if (v instanceof String s) {
            ps.setString(index, s);
        } else if (v instanceof byte[] b) {
            ps.setBytes(index, b);
        } else if (v instanceof Boolean b) {
            ps.setLong(index, b ? 1 : 0);
        } else {
            throw new IllegalArgumentException("cannot bind a " + v.getClass().getSimpleName() + " to parameter " + index);
        }
    }
}
