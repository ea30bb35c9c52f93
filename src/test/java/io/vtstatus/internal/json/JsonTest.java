package io.vtstatus.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

  @Test
  void whitespaceIsAllowedBetweenEveryToken() throws Exception {
    String ws = " \t\n\r";
    String text = ws + "{" + ws + "\"a\"" + ws + ":" + ws + "[" + ws + "1" + ws + "," + ws + "{" + ws
        + "}" + ws + "," + ws + "[" + ws + "]" + ws + "]" + ws + "," + ws + "\"b\"" + ws + ":" + ws
        + "\"x\"" + ws + "}" + ws;
    Map<String, Object> o = Json.parseObject(text);
    assertEquals(List.of(new BigDecimal("1"), Map.of(), List.of()), o.get("a"));
    assertEquals("x", o.get("b"));
  }

  @Test
  void depthCountsOpenContainersOnly() throws Exception {
    // Closing a container must give its level back: 40 siblings are shallow, however many.
    StringBuilder siblings = new StringBuilder("[");
    for (int i = 0; i < 40; i++) {
      siblings.append(i == 0 ? "" : ",").append("{},[],{\"k\":[1]},[[2]]");
    }
    List<?> l = (List<?>) Json.parse(siblings.append("]").toString());
    assertEquals(160, l.size());
    StringBuilder keys = new StringBuilder("{");
    for (int i = 0; i < 40; i++) {
      keys.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":{\"a\":[]}");
    }
    assertEquals(40, Json.parseObject(keys.append("}").toString()).size());
    // Objects count toward the depth as arrays do.
    Json.parse("{\"a\":".repeat(Json.MAX_DEPTH) + "1" + "}".repeat(Json.MAX_DEPTH));
    JsonException deep = assertThrows(JsonException.class, () -> Json.parse(
        "{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1)));
    assertTrue(deep.getMessage().contains("deeper than " + Json.MAX_DEPTH), deep.getMessage());
  }

  @Test
  void numbersAtTheirBoundaries() throws Exception {
    assertEquals(List.of(new BigDecimal("0"), new BigDecimal("-0"), new BigDecimal("0.5"),
        new BigDecimal("10"), new BigDecimal("19"), new BigDecimal("90"), new BigDecimal("1.09"),
        new BigDecimal("9e9"), new BigDecimal("1e+2"), new BigDecimal("1E-2"), new BigDecimal("-0.0e0")),
        Json.parse("[0,-0,0.5,10,19,90,1.09,9e9,1e+2,1E-2,-0.0e0]"));
    assertEquals(new BigDecimal("9"), Json.parse("9"));
    assertEquals(new BigDecimal("0"), Json.parse("0"));
    // 64 characters is the longest number accepted; the exponent's bound is 1000 either way.
    String longest = "1" + "0".repeat(63);
    assertEquals(new BigDecimal(longest), Json.parse(longest));
    assertThrows(JsonException.class, () -> Json.parse(longest + "0"));
    assertEquals(new BigDecimal("1e1000"), Json.parse("1e1000"));
    assertEquals(new BigDecimal("1e-1000"), Json.parse("1e-1000"));
    assertThrows(JsonException.class, () -> Json.parse("1e1001"));
    assertThrows(JsonException.class, () -> Json.parse("1e-1001"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1:", "[1/]", "-", "-a", "1e", "1e+", "1.e5", "+1", ".5", "0x1", "1 2"})
  void rejectsMalformedNumbers(String text) {
    assertThrows(JsonException.class, () -> Json.parse(text));
  }

  @Test
  void lengthIsBoundedAtExactlyMaxLength() throws Exception {
    String longest = "\"" + "a".repeat(Json.MAX_LENGTH - 2) + "\"";
    assertEquals(Json.MAX_LENGTH - 2, ((String) Json.parse(longest)).length());
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(longest + " "));
    assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    assertThrows(JsonException.class, () -> Json.parse((String) null));
  }

  /** The offset in a message points at the offending character, not past it. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"a\":1 x}|expected ',' or '}' at offset 7",
      "[1 x]|expected ',' or ']' at offset 3",
      "{\"a\" 1}|expected ':' at offset 5",
      "{1:2}|expected a string key at offset 1",
      "\"ab\\x\"|bad escape at offset 4",
      "[1]x|unexpected text after the JSON value at offset 3",
      "[1,@]|unexpected character '@' at offset 3",
      "[~]|unexpected character '~' at offset 1",
      "[tru]|unexpected literal at offset 1",
      "{\"a\":1|unexpected end of JSON at offset 6",
      "[1,|unexpected end of JSON at offset 3",
      "[|unexpected end of JSON at offset 1",
      "\"abc|unexpected end of JSON at offset 4"})
  void errorsSayWhatAndWhere(String text, String message) {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void controlCharactersAreNamedByCodeAndRejectedInStrings() throws Exception {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse("[\u0001]"));
    assertEquals("unexpected character '\\u0001' at offset 1", e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("[\u007f]"));
    assertEquals("unexpected character '\\u007f' at offset 1", e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("\"ab\u001f\""));
    assertEquals("control character in string at offset 3", e.getMessage());
    assertEquals("a b\u007f~", Json.parse("\"a b\u007f~\""), "0x20 and above are text");
  }

  @Test
  void escapesDecode() throws Exception {
    assertEquals("\"\\/\b\f\n\r\tA\u00ff", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00FF\""));
    assertEquals("x\ny", Json.parse("\"x\\ny\""), "text before and after an escape is kept");
  }

  @Test
  void typedAccessorsOnEveryShape() throws Exception {
    Map<String, Object> o = Json.parseObject(
        "{\"n\":null,\"big\":1e30,\"neg\":-7,\"s\":\"x\",\"b\":true}");
    assertTrue(Json.integer(o, "n").isEmpty());
    assertTrue(Json.integer(o, "absent").isEmpty());
    assertEquals(-7L, Json.integer(o, "neg").orElseThrow());
    JsonException big = assertThrows(JsonException.class, () -> Json.integer(o, "big"));
    assertEquals("\"big\" must be an integer", big.getMessage());
    JsonException s = assertThrows(JsonException.class, () -> Json.integer(o, "s"));
    assertEquals("\"s\" must be a number", s.getMessage());
    JsonException b = assertThrows(JsonException.class, () -> Json.string(o, "b"));
    assertEquals("\"b\" must be a string", b.getMessage());
    assertTrue(Json.string(o, "absent").isEmpty());
    JsonException notObject = assertThrows(JsonException.class, () -> Json.parseObject("[]"));
    assertEquals("expected a JSON object", notObject.getMessage());
  }

  @Test
  void writesEveryShape() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("null", null);
    m.put("NULL", Json.NULL);
    m.put("list", List.of(1, "a", List.of(), Map.of()));
    m.put("other", Instant.parse("2026-01-02T03:04:05Z"));
    m.put("ctl", "\u001f \r\t\n\u2029");
    assertEquals("{\"null\":null,\"NULL\":null,\"list\":[1,\"a\",[],{}],"
        + "\"other\":\"2026-01-02T03:04:05Z\",\"ctl\":\"\\u001f \\r\\t\\n\\u2029\"}", Json.write(m));
    assertEquals("null", String.valueOf(Json.NULL));
    Json.ObjectBuilder b = Json.obj().put("a", 1).put("b", null).put("a", 2);
    assertEquals("{\"a\":2,\"b\":null}", b.toString());
    assertEquals(new ArrayList<>(List.of("a", "b")), new ArrayList<>(b.map().keySet()));
    assertEquals(Json.NULL, b.map().get("b"));
  }

  @Test
  void hexEscapesTakeEitherCaseAtEveryEdge() throws Exception {
    assertEquals("\u0000\u0009\u00aa\u00af\u00AA\u00AF\u09af",
        Json.parse("\"\\u0000\\u0009\\u00aa\\u00af\\u00AA\\u00AF\\u09af\""));
    for (String bad : new String[] {"\\u00`0", "\\u00g0", "\\u00@0", "\\u00G0", "\\u00/0", "\\u00:0"}) {
      JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"" + bad + "\""), bad);
      assertTrue(e.getMessage().startsWith("bad \\u escape"), bad + ": " + e.getMessage());
    }
    // Four digits needed: three then the closing quote is a bad digit, three then the end of the
    // text a truncated escape, and exactly four at the end a missing closing quote.
    JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"\\u123\""));
    assertEquals("bad \\u escape (want 4 ASCII hex digits) at offset 6", e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("\"\\u123"));
    assertEquals("truncated \\u escape at offset 3", e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("\"\\u1234"));
    assertEquals("unexpected end of JSON at offset 7", e.getMessage());
  }

  @Test
  void unpairedSurrogatesAreNamedInTheMessage() {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"\\ud83d\""));
    assertTrue(e.getMessage().startsWith("unpaired surrogate \\ud83d"), e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("\"a\\udc00\""));
    assertTrue(e.getMessage().startsWith("unpaired surrogate \\udc00"), e.getMessage());
    // Raw (unescaped) surrogates, as only a String caller can pass them.
    e = assertThrows(JsonException.class, () -> Json.parse("\"ab\ud83d\""));
    assertEquals("unpaired surrogate at offset 3", e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("\"ab\ud83d"));
    assertEquals("unpaired surrogate at offset 3", e.getMessage(), "a high surrogate at the very end");
  }

  @Test
  void asciiBytesReadAsThemselves() throws Exception {
    byte[] ascii = "{\"a\":\"x\\u0041\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals("{\"a\":\"x\\u0041\"}", Json.utf8(ascii));
    assertEquals(Map.of("a", "xA"), Json.parseObject(ascii));
    assertEquals("", Json.utf8(new byte[0]));
    assertEquals("a\u0000b", Json.utf8(new byte[] {'a', 0, 'b'}));
  }

  @Test
  void writingKeepsSurrogatePairsAndReplacesLoneOnes() throws Exception {
    assertEquals("\"a\ud83d\ude00\"", Json.write("a\ud83d\ude00"));
    assertEquals("\"\ud83d\ude00\"", Json.write("\ud83d\ude00"));
    assertEquals("\"a\ufffd\"", Json.write("a\ud83d"), "a high surrogate at the very end");
    assertEquals("\"\ufffdb\"", Json.write("\ude00b"));
    assertEquals("a\ud83d\ude00", Json.parse(Json.write("a\ud83d\ude00")));
  }
}
