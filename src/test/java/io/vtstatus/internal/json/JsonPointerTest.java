package io.vtstatus.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonPointerTest {
  /** RFC 6901 section 5's example document. */
  private static final String RFC_DOC = "{\"foo\":[\"bar\",\"baz\"],\"\":0,\"a/b\":1,\"c%d\":2,"
      + "\"e^f\":3,\"g|h\":4,\"i\\\\j\":5,\"k\\\"l\":6,\" \":7,\"m~n\":8}";

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", quoteCharacter = '\'', value = {
      "/foo/0=>bar", "/foo/1=>baz", "/=>0", "/a~1b=>1", "/c%d=>2", "/e^f=>3", "/g|h=>4",
      "'/i\\j'=>5", "'/k\"l'=>6", "'/ '=>7", "/m~0n=>8"})
  void evaluatesRfcExamples(String pointer, String expected) throws Exception {
    Object v = JsonPointer.compile(pointer).find(Json.parse(RFC_DOC));
    assertEquals(expected, v instanceof BigDecimal ? v.toString() : v);
  }

  @Test
  void emptyPointerIsTheWholeDocument() throws Exception {
    Object doc = Json.parse(RFC_DOC);
    assertSame(doc, JsonPointer.compile("").find(doc));
    assertEquals(List.of(), JsonPointer.compile("").tokens());
  }

  @Test
  void unescapesTildeOneBeforeTildeZeroOrder() {
    // "~01" is "~1" literally, not "/": each escape is read once, left to right.
    assertEquals(List.of("~1"), JsonPointer.compile("/~01").tokens());
    assertEquals(List.of("a/b", "~", ""), JsonPointer.compile("/a~1b/~0/").tokens());
  }

  @Test
  void missingValuesAreNull() throws Exception {
    Object doc = Json.parse("{\"a\":{\"b\":[1,{\"c\":null}]},\"s\":\"x\"}");
    assertNull(JsonPointer.compile("/nope").find(doc));
    assertNull(JsonPointer.compile("/a/b/2").find(doc), "past the end");
    assertNull(JsonPointer.compile("/a/b/-").find(doc), "'-' is the element after the last");
    assertNull(JsonPointer.compile("/a/b/01").find(doc), "leading zero is not an index");
    assertNull(JsonPointer.compile("/a/b/x").find(doc));
    assertNull(JsonPointer.compile("/a/b/-1").find(doc));
    assertNull(JsonPointer.compile("/a/b/99999999999").find(doc), "beyond an int");
    assertNull(JsonPointer.compile("/a/b/1000000000").find(doc), "ten digits are not read as an index");
    assertNull(JsonPointer.compile("/s/0").find(doc), "no stepping into a string");
    assertNull(JsonPointer.compile("/a/b/1/c/d").find(doc), "no stepping into null");
    assertSame(Json.NULL, JsonPointer.compile("/a/b/1/c").find(doc));
    assertEquals(new BigDecimal("1"), JsonPointer.compile("/a/b/0").find(doc));
  }

  @Test
  void longIndexesAndEscapesInTheMiddleOfTokensWork() throws Exception {
    java.util.List<Object> big = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      big.add(i);
    }
    assertEquals(999, JsonPointer.compile("/999").find(big));
    assertEquals(123, JsonPointer.compile("/123").find(big));
    assertEquals(10, JsonPointer.compile("/10").find(big));
    assertEquals(0, JsonPointer.compile("/0").find(big));
    assertNull(JsonPointer.compile("/1000").find(big));
    assertNull(JsonPointer.compile("/ 1").find(big));
    assertNull(JsonPointer.compile("/1a").find(big));
    assertNull(JsonPointer.compile("/:").find(big), "':' follows '9' in ASCII");
    assertNull(JsonPointer.compile("//").find(big), "'/' precedes '0' in ASCII");
    assertEquals(List.of("ab~cd/ef"), JsonPointer.compile("/ab~0cd~1ef").tokens());
    assertEquals(List.of("x", "ab~c"), JsonPointer.compile("/x/ab~0c").tokens());
    assertNotEquals(JsonPointer.compile("/a").hashCode(), JsonPointer.compile("/b").hashCode());
  }

  @Test
  void indexesOnlyApplyToArrays() throws Exception {
    Object doc = Json.parse("{\"0\":\"member\",\"l\":[\"element\"]}");
    assertEquals("member", JsonPointer.compile("/0").find(doc), "an object's key \"0\"");
    assertEquals("element", JsonPointer.compile("/l/0").find(doc));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b", "/~", "/~2", "/a~", "/a~/b", "#/a", " /a"})
  void refusesMalformedPointersQuotingThem(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JsonPointer.compile(text));
    assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
  }

  @Test
  void refusesNullAndOverlongPointers() {
    assertThrows(IllegalArgumentException.class, () -> JsonPointer.compile(null));
    String longest = "/" + "a".repeat(JsonPointer.MAX_LENGTH - 1);
    assertEquals(1, JsonPointer.compile(longest).tokens().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonPointer.compile(longest + "a"));
    assertTrue(e.getMessage().contains("longer than 1024"), e.getMessage());
  }

  @Test
  void equalityFollowsTokensAndTextRoundTrips() {
    JsonPointer p = JsonPointer.compile("/a~1b/0");
    assertEquals(p, JsonPointer.compile(p.toString()));
    assertEquals(p.hashCode(), JsonPointer.compile("/a~1b/0").hashCode());
    assertEquals("/a~1b/0", p.toString());
    assertNotEquals(p, JsonPointer.compile("/a/b/0"));
    assertNotEquals(p, "/a~1b/0");
  }

  /**
   * Random pointers over a small alphabet rich in the characters that matter: each either
   * compiles (and then evaluates without throwing, and round-trips) or is refused with an
   * {@link IllegalArgumentException}; and escaping any list of tokens compiles back to it.
   */
  @Test
  void fuzzedPointersCompileOrAreRefusedCleanly() throws Exception {
    Random r = new Random(20);
    String alphabet = "/~01a-\u00e9\u0000 \"";
    Object doc = Json.parse("{\"a\":[{\"0\":1},[\"~\"]],\"~\":{\"/\":2},\"\":[3]}");
    int compiled = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = r.nextInt(12);
      for (int j = 0; j < n; j++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String text = b.toString();
      JsonPointer p;
      try {
        p = JsonPointer.compile(text);
      } catch (IllegalArgumentException e) {
        assertTrue(e.getMessage().startsWith("Invalid JSON Pointer"), e.getMessage());
        continue;
      }
      compiled++;
      p.find(doc);
      assertEquals(text, p.toString());
      assertEquals(p, JsonPointer.compile(p.toString()));
    }
    assertTrue(compiled > 1000, "the alphabet makes valid pointers too: " + compiled);
    for (int i = 0; i < 2_000; i++) {
      String[] tokens = new String[r.nextInt(4)];
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < tokens.length; j++) {
        StringBuilder t = new StringBuilder();
        for (int k = r.nextInt(4); k > 0; k--) {
          t.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        tokens[j] = t.toString();
        b.append('/').append(tokens[j].replace("~", "~0").replace("/", "~1"));
      }
      assertEquals(List.of(tokens), JsonPointer.compile(b.toString()).tokens(), b.toString());
    }
  }
}
