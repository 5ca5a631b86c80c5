package dev.ferry.primary.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SqlTextTest {
    @Test
    void scan_twoStatements_trailing() {
        assertTrue(SqlText.scan("SELECT 1; SELECT 2").hasTrailingStatement());
        assertFalse(SqlText.scan("SELECT 1; -- done\n;").hasTrailingStatement());
    }

    @Test
    void scan_triggerBodyWithSemicolons_oneStatement() {
        assertFalse(SqlText.scan("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (1); "
                + "UPDATE t SET n = CASE WHEN n > 0 THEN 1 ELSE 0 END; END").hasTrailingStatement());
        assertFalse(SqlText.scan("create temp trigger if not exists tr after delete on t begin select 1; end;")
                .hasTrailingStatement());
    }

    @Test
    void scan_triggerThenAnotherStatement_trailing() {
        assertTrue(SqlText.scan("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END; DROP TABLE t")
                .hasTrailingStatement());
    }

    @Test
    void scan_beginTransactionOrCaseOutsideTrigger_notNested() {
        assertTrue(SqlText.scan("BEGIN; COMMIT").hasTrailingStatement());
        assertTrue(SqlText.scan("SELECT CASE WHEN 1 THEN 2 END; SELECT 3").hasTrailingStatement());
        assertTrue(SqlText.scan("CREATE TABLE trigger_log(x); SELECT 1").hasTrailingStatement());
    }

    @Test
    void scan_parametersAroundWords_unchanged() {
        assertEquals(Arrays.asList("a", null, "b_1"), SqlText.scan("SELECT :a, ?, @b_1, x1 FROM t").parameterNames());
    }
}
