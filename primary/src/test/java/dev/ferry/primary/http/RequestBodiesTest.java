package dev.ferry.primary.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.primary.catalog.CreateOptions;
import dev.ferry.primary.write.Statement;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestBodiesTest {

    @Test
    void statements_allThreeForms_parsesEach() throws Exception {
        List<Statement> statements = statements(
                "{\"statements\": [\"CREATE TABLE t(a)\", [\"INSERT INTO t VALUES (?, ?)\", 1, \"x\"], [\"SELECT :a\", {\"a\": 1}]]}");

        assertEquals(3, statements.size());
        assertEquals("CREATE TABLE t(a)", statements.get(0).sql());
        assertEquals(List.of(), statements.get(0).positional());
        assertEquals(List.of(1L, "x"), statements.get(1).positional());
        assertEquals(Map.of("a", 1L), statements.get(2).named());
    }

    @Test
    void statements_arrayWithSqlOnly_hasNoParameters() throws Exception {
        Statement statement = statements("{\"statements\": [[\"SELECT 1\"]]}").get(0);

        assertEquals(List.of(), statement.positional());
        assertEquals(Map.of(), statement.named());
    }

    @Test
    void statements_namedKeysWithEachPrefix_normalisedToBareName() throws Exception {
        Statement statement = statements(
                "{\"statements\": [[\"SELECT :a, @b, $c, :d\", {\"a\": 1, \":b\": 2, \"@c\": 3, \"$d\": 4}]]}").get(0);

        assertEquals(Map.of("a", 1L, "b", 2L, "c", 3L, "d", 4L), statement.named());
    }

    @Test
    void statements_sameNameTwiceWithDifferentPrefixes_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [[\"SELECT :a\", {\"a\": 1, \":a\": 2}]]}"));

        assertEquals("statements[0][1] names parameter 'a' twice (as 'a' and ':a')", e.getMessage());
    }

    @Test
    void statements_prefixOnlyKey_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [[\"SELECT 1\", {\":\": 1}]]}"));

        assertEquals("statements[0][1] has a parameter with an empty name", e.getMessage());
    }

    @Test
    void statements_valuesOfEveryType_mappedToParameterValues() throws Exception {
        Statement statement = statements("{\"statements\": [[\"SELECT ?,?,?,?,?,?,?,?,?\", 9223372036854775807,"
                + " -9223372036854775808, 1.5, -0.0, \"text\", null, true, false, {\"base64\": \"AP8=\"}]]}").get(0);

        List<Object> values = statement.positional();
        assertEquals(Long.MAX_VALUE, values.get(0));
        assertEquals(Long.MIN_VALUE, values.get(1));
        assertEquals(1.5, values.get(2));
        assertEquals(-0.0, values.get(3));
        assertEquals("text", values.get(4));
        assertEquals(null, values.get(5));
        assertEquals(1L, values.get(6));
        assertEquals(0L, values.get(7));
        assertArrayEquals(new byte[] {0, (byte) 0xff}, (byte[]) values.get(8));
    }

    @Test
    void statements_integerBeyondDoublePrecision_keptExact() throws Exception {
        Statement statement = statements("{\"statements\": [[\"SELECT ?\", 9007199254740993]]}").get(0);

        assertEquals(9007199254740993L, statement.positional().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "100000000000000000000000000"})
    void statements_integerOutside64Bits_rejected(String integer) {
        ApiException e = refused(() -> statements("{\"statements\": [[\"SELECT ?\", " + integer + "]]}"));

        assertEquals("statements[0][1]: integer " + integer + " is outside the signed 64-bit range", e.getMessage());
    }

    @Test
    void statements_realOverflowingDouble_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [[\"SELECT ?\", 1e400]]}"));

        assertTrue(e.getMessage().startsWith("statements[0][1]: number "), e.getMessage());
    }

    @Test
    void statements_loneBlobAfterSql_isPositionalBlob() throws Exception {
        Statement statement = statements("{\"statements\": [[\"SELECT ?\", {\"base64\": \"AQID\"}]]}").get(0);

        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) statement.positional().get(0));
        assertEquals(Map.of(), statement.named());
    }

    @Test
    void statements_namedParameterCalledBase64WithPrefix_isNamed() throws Exception {
        Statement statement = statements("{\"statements\": [[\"SELECT :base64\", {\":base64\": \"x\"}]]}").get(0);

        assertEquals(Map.of("base64", "x"), statement.named());
    }

    @Test
    void statements_namedBlobValue_decoded() throws Exception {
        Statement statement = statements("{\"statements\": [[\"SELECT :b\", {\"b\": {\"base64\": \"AQID\"}}]]}").get(0);

        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) statement.named().get("b"));
    }

    @Test
    void statements_invalidBase64_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [[\"SELECT ?\", {\"base64\": \"!!\"}]]}"));

        assertTrue(e.getMessage().startsWith("statements[0][1].base64 is not valid base64"), e.getMessage());
    }

    @Test
    void statements_base64NotText_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [[\"SELECT ?\", {\"base64\": 5}]]}"));

        assertEquals("statements[0][1].base64 must be a string of base64 text, not a number", e.getMessage());
    }

    @Test
    void statements_objectAmongPositionalValues_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [[\"SELECT ?, ?\", 1, {\"a\": 1}]]}"));

        assertEquals("statements[0][2] must be a number, string, boolean, null or {\"base64\": \"...\"}, not an object",
                e.getMessage());
    }

    @Test
    void statements_arrayAsValue_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [[\"SELECT ?\", [1]]]}"));

        assertEquals("statements[0][1] must be a number, string, boolean, null or {\"base64\": \"...\"}, not an array",
                e.getMessage());
    }

    @Test
    void statements_statementNeitherStringNorArray_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [\"SELECT 1\", \"SELECT 2\", 7]}"));

        assertEquals("statements[2] must be a string or an array, not a number", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1, 2]", "[null]"})
    void statements_arrayNotStartingWithSql_rejected(String statement) {
        ApiException e = refused(() -> statements("{\"statements\": [" + statement + "]}"));

        assertEquals("statements[0] must start with the SQL string", e.getMessage());
    }

    @Test
    void statements_emptyList_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": []}"));

        assertEquals("statements must hold at least one statement", e.getMessage());
    }

    @Test
    void statements_missing_rejected() {
        ApiException e = refused(() -> statements("{}"));

        assertEquals("request body must have a \"statements\" array", e.getMessage());
    }

    @Test
    void statements_notAnArray_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": \"SELECT 1\"}"));

        assertEquals("request body must have a \"statements\" array, not a string", e.getMessage());
    }

    @Test
    void statements_unknownField_rejected() {
        ApiException e = refused(() -> statements("{\"statements\": [\"SELECT 1\"], \"statement\": 1}"));

        assertEquals("unknown field \"statement\" in request body; expected \"statements\"", e.getMessage());
    }

    @Test
    void statements_emptyBody_rejected() {
        ApiException e = refused(() -> statements(""));

        assertEquals("request body is empty; expected a JSON object {\"statements\": [...]}", e.getMessage());
    }

    @Test
    void statements_bodyNotAnObject_rejected() {
        ApiException e = refused(() -> statements("[\"SELECT 1\"]"));

        assertEquals("request body must be a JSON object {\"statements\": [...]}, not an array", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"statements\": [\"a\",]}", "{\"statements\": []} trailing", "{\"a\": 1, \"a\": 2}",
            "not json"})
    void statements_malformedJson_rejectedAsMalformed(String body) {
        ApiException e = refused(() -> statements(body));

        assertTrue(e.getMessage().startsWith("malformed JSON: "), e.getMessage());
        assertEquals(HttpResponseStatus.BAD_REQUEST, e.status());
    }

    @Test
    void query_positionalParams_parsed() throws Exception {
        Statement statement = query("{\"sql\": \"SELECT ?, ?\", \"params\": [1, {\"base64\": \"AA==\"}]}");

        assertEquals("SELECT ?, ?", statement.sql());
        assertEquals(1L, statement.positional().get(0));
        assertArrayEquals(new byte[] {0}, (byte[]) statement.positional().get(1));
    }

    @Test
    void query_namedParams_normalised() throws Exception {
        Statement statement = query("{\"sql\": \"SELECT :a, :b\", \"params\": {\"@a\": \"x\", \"b\": null}}");

        assertEquals("x", statement.named().get("a"));
        assertTrue(statement.named().containsKey("b"));
    }

    @Test
    void query_noParams_hasNone() throws Exception {
        Statement withoutField = query("{\"sql\": \"SELECT 1\"}");
        Statement withNull = query("{\"sql\": \"SELECT 1\", \"params\": null}");

        assertEquals(Statement.of("SELECT 1"), withoutField);
        assertEquals(Statement.of("SELECT 1"), withNull);
    }

    @Test
    void query_paramsNeitherArrayNorObject_rejected() {
        ApiException e = refused(() -> query("{\"sql\": \"SELECT ?\", \"params\": 1}"));

        assertEquals("params must be an array or an object, not a number", e.getMessage());
    }

    @Test
    void query_paramValueOutOfRange_namesIt() {
        ApiException e = refused(() -> query("{\"sql\": \"SELECT ?\", \"params\": [1, 18446744073709551616]}"));

        assertEquals("params[1]: integer 18446744073709551616 is outside the signed 64-bit range", e.getMessage());
    }

    @Test
    void query_sqlMissingOrNotText_rejected() {
        assertEquals("request body must have \"sql\" as a string", refused(() -> query("{}")).getMessage());
        assertEquals("request body must have \"sql\" as a string, not a number",
                refused(() -> query("{\"sql\": 1}")).getMessage());
    }

    @Test
    void query_unknownField_rejected() {
        ApiException e = refused(() -> query("{\"sql\": \"SELECT 1\", \"parameters\": []}"));

        assertEquals("unknown field \"parameters\" in request body; expected \"params\", \"sql\"", e.getMessage());
    }

    @Test
    void createOptions_emptyBody_defaults() throws Exception {
        assertEquals(CreateOptions.DEFAULTS, createOptions(""));
    }

    @Test
    void createOptions_bothFields_parsed() throws Exception {
        CreateOptions options = createOptions("{\"page_size\": 65536, \"auto_vacuum\": \"INCREMENTAL\"}");

        assertEquals(new CreateOptions(65536, CreateOptions.AutoVacuum.INCREMENTAL), options);
    }

    @Test
    void createOptions_pageSizeNotPowerOfTwo_rejected() {
        ApiException e = refused(() -> createOptions("{\"page_size\": 1000}"));

        assertEquals("page size 1000 is not a power of two from 512 to 65536", e.getMessage());
    }

    @Test
    void createOptions_pageSizeNotInteger_rejected() {
        ApiException e = refused(() -> createOptions("{\"page_size\": \"4096\"}"));

        assertEquals("page_size must be an integer power of two from 512 to 65536, not \"4096\"", e.getMessage());
    }

    @Test
    void createOptions_unknownAutoVacuum_rejected() {
        ApiException e = refused(() -> createOptions("{\"auto_vacuum\": \"sometimes\"}"));

        assertEquals("auto_vacuum 'sometimes' is not one of none, full, incremental", e.getMessage());
    }

    @Test
    void createOptions_unknownField_rejected() {
        ApiException e = refused(() -> createOptions("{\"pagesize\": 4096}"));

        assertEquals("unknown field \"pagesize\" in request body; expected \"auto_vacuum\", \"page_size\"", e.getMessage());
    }

    private static List<Statement> statements(String json) throws ApiException {
        return withBody(json, RequestBodies::statements);
    }

    private static Statement query(String json) throws ApiException {
        return withBody(json, RequestBodies::query);
    }

    private static CreateOptions createOptions(String json) throws ApiException {
        return withBody(json, RequestBodies::createOptions);
    }

    private interface Parser<T> {
        T parse(ByteBuf body) throws ApiException;
    }

    private static <T> T withBody(String json, Parser<T> parser) throws ApiException {
        ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            return parser.parse(body);
        } finally {
            body.release();
        }
    }

    private static ApiException refused(Executable parse) {
        ApiException e = assertThrows(ApiException.class, parse);
        assertEquals(HttpResponseStatus.BAD_REQUEST, e.status(), e.getMessage());
        return e;
    }
}
