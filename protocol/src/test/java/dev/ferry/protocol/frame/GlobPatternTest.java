package dev.ferry.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobPatternTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "orders, orders, true",
            "orders, orders2, false",
            "tenant-*, tenant-a, true",
            "tenant-*, tenant-, true",
            "tenant-*, tenants, false",
            "*, anything, true",
            "t?nant, tenant, true",
            "t?nant, tnant, false",
            "*a*b, xaxxb, true",
            "*a*b, xaxxbc, false",
            "a*a*a*a*a*b, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, false",
            "**, '', true",
    })
    void matches_patternAndName_asGlob(String pattern, String name, boolean expected) {
        assertEquals(expected, GlobPattern.matches(pattern, name));
    }

    @ParameterizedTest
    @CsvSource({"orders, false", "tenant-*, true", "t?, true"})
    void isGlob_wildcards_only(String pattern, boolean expected) {
        assertEquals(expected, GlobPattern.isGlob(pattern));
    }
}
