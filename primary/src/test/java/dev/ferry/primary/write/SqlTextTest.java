package dev.ferry.primary.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlTextTest {
    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1; SELECT 2", "SELECT 1;DROP TABLE t", ";SELECT 1", "SELECT ';'; x",
        "SELECT 1 /* ; */ ; -- c\n VACUUM", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END; SELECT 2",
        "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END; DELETE FROM t"})
    void secondStatement_isFound(String sql) {
        assertTrue(SqlText.scan(sql).hasTrailingStatement(), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "SELECT 1;", "SELECT 1 ; ;  -- done", "SELECT ';'", "SELECT \"a;b\"",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET v = 1; DELETE FROM u; END",
        "create temporary trigger tr after insert on t begin select 1; end;",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 'end;'; END /* c */ ;"})
    void oneStatement_isOne(String sql) {
        assertFalse(SqlText.scan(sql).hasTrailingStatement(), sql);
    }

    @Test
    void parameterNames_positionalNumberedAndNamed() {
        assertEquals(Arrays.asList(null, null), SqlText.scan("SELECT ?, ?").parameterNames());
        assertEquals(Arrays.asList(null, null, null), SqlText.scan("SELECT ?3, ?1").parameterNames());
        assertEquals(Arrays.asList("a", "b"), SqlText.scan("SELECT :a, @b, $a").parameterNames());
    }

    @Test
    void pragmaName_readsTheNameAsSqliteDoes() {
        assertEquals("journal_mode", SqlText.pragmaName("PRAGMA journal_mode=wal"));
        assertEquals("journal_mode", SqlText.pragmaName("/* x */ pRaGmA -- y\n MAIN . \"Journal_Mode\" = 1"));
        assertEquals("writable_schema", SqlText.pragmaName("PRAGMA [writable_schema]=1"));
        assertEquals("locking_mode", SqlText.pragmaName("PRAGMA `locking_mode`"));
        assertEquals("", SqlText.pragmaName("PRAGMA"));
        assertNull(SqlText.pragmaName("SELECT 1"));
    }

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
