package io.vtstatus.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonTest {
  @Test
  void parsesValidDocuments() throws Exception {
    Map<String, Object> o = Json.parseObject(
        " {\"a\":\"x\\u00e9\\n\",\"b\":[1,-2.5e3,true,false,null],\"c\":{}} ");
    assertEquals("x\u00e9\n", o.get("a"));
    assertEquals(List.of(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, Json.NULL),
        o.get("b"));
    assertEquals(Map.of(), o.get("c"));
    assertEquals(List.of("job", "b", "c"), List.copyOf(
        Json.parseObject("{\"job\":1,\"b\":2,\"c\":3}").keySet()), "keeps key order");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{\"a\"}", "{\"a\":}", "{a:1}", "[1,]", "01", "1.", "-",
      "\"\\x\"", "\"a\nb\"", "tru", "{} {}", "{\"a\":1,}", "\"\\u12\""})
  void rejectsInvalid(String text) {
    assertThrows(JsonException.class, () -> Json.parse(text));
  }

  @Test
  void rejectsDuplicateKeys() {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
    assertEquals(true, e.getMessage().contains("duplicate"));
  }

  @Test
  void boundsDepth() throws Exception {
    Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH));
    assertThrows(JsonException.class,
        () -> Json.parse("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1)));
    assertThrows(JsonException.class, () -> Json.parse("[".repeat(100_000)));
  }

  @Test
  void boundsNumbers() {
    assertThrows(JsonException.class, () -> Json.parse("1e999999999"));
    assertThrows(JsonException.class, () -> Json.parse("1".repeat(100)));
  }

  @Test
  void typedAccessors() throws Exception {
    Map<String, Object> o = Json.parseObject("{\"s\":\"x\",\"n\":5,\"f\":1.5,\"z\":null}");
    assertEquals("x", Json.string(o, "s").orElseThrow());
    assertEquals(5L, Json.integer(o, "n").orElseThrow());
    assertEquals(true, Json.string(o, "z").isEmpty());
    assertThrows(JsonException.class, () -> Json.integer(o, "f"));
    assertThrows(JsonException.class, () -> Json.string(o, "n"));
  }

  @Test
  void writesAndRoundTrips() throws Exception {
    String s = Json.obj().put("a", "q\"\\\u0001\u2028").put("n", 3).put("l", List.of(true)).toString();
    assertEquals("{\"a\":\"q\\\"\\\\\\u0001\\u2028\",\"n\":3,\"l\":[true]}", s);
    assertEquals("q\"\\\u0001\u2028", Json.parseObject(s).get("a"));
  }
}
