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
}
