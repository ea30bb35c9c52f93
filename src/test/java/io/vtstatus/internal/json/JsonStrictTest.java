package io.vtstatus.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strings must be well-formed Unicode, in text and in bytes; nothing is silently replaced. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonStrictTest {
  private static final String BS = "\\";

  private static JsonException rejects(String text) {
    return assertThrows(JsonException.class, () -> Json.parse(text), text);
  }

  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  @Test
  void escapesTakeOnlyAsciiHexDigits() throws Exception {
    // U+0660 and U+0664 are Arabic-Indic digits, U+FF21 a fullwidth A: Character.digit takes
    // them all, and the escape would read as "J".
    JsonException e = rejects("\"" + BS + "u\u0660\u0660\u0664\uFF21\"");
    assertTrue(e.getMessage().contains("ASCII hex"), e.getMessage());
    rejects("\"" + BS + "u00\uFF14A\"");
    rejects("\"" + BS + "u+04A\"");
    rejects("\"" + BS + "u 04A\"");
    assertEquals("J", Json.parse("\"" + BS + "u004A\""));
    assertEquals("J", Json.parse("\"" + BS + "u004a\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ud800", "udbff", "udc00", "udfff", "ud83dx", "ud83d\\n", "ud83d\\u0041",
      "ud83d\\ud83d", "ude00\\ud83d"})
  void unpairedEscapedSurrogatesAreRejected(String escape) {
    JsonException e = rejects("\"a" + BS + escape + "b\"");
    assertTrue(e.getMessage().contains("surrogate") || e.getMessage().contains("escape"),
        e.getMessage());
  }

  @Test
  void pairedSurrogatesAreKept() throws Exception {
    assertEquals("\uD83D\uDE00", Json.parse("\"" + BS + "ud83d" + BS + "ude00\""));
    assertEquals("x\uD83D\uDE00y", Json.parse("\"x\uD83D\uDE00y\""));
    assertEquals("\uD83D\uDE00", Json.parse("\"\uD83D\uDE00\"".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rawLoneSurrogatesInTextAreRejected() {
    rejects("\"a\uD83Db\"");
    rejects("\"a\uDE00b\"");
    rejects("\"\uD83D\"");
    rejects("{\"\uDE00\":1}");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "22ff22",           // 0xFF is never UTF-8
      "22c0af22",         // overlong '/'
      "22e080af22",       // overlong, 3 bytes
      "22eda08022",       // an encoded surrogate (CESU-8 style)
      "22c322",           // truncated 2-byte sequence
      "22e282",           // truncated at the end
      "2280",             // a lone continuation byte
      "22f4908080",       // above U+10FFFF
  })
  void invalidUtf8IsRejectedNotReplaced(String bytes) {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(hex(bytes)));
    assertTrue(e.getMessage().startsWith("invalid UTF-8 at byte "), e.getMessage());
  }

  @Test
  void utf8NamesTheFirstBadByte() {
    // {"a":"éé then 0xFF: six ASCII bytes, two 2-byte letters, the bad byte at offset 10.
    JsonException e = assertThrows(JsonException.class, () -> Json.utf8(hex("7b2261223a22c3a9c3a9ff")));
    assertEquals("invalid UTF-8 at byte 10", e.getMessage());
  }

  @Test
  void validUtf8Decodes() throws Exception {
    String text = "{\"job\":\"a\",\"s\":\"\u00e9\u4e2d\uD83D\uDE00\"}";
    assertEquals(text, Json.utf8(text.getBytes(StandardCharsets.UTF_8)));
    Map<String, Object> o = Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    assertEquals("\u00e9\u4e2d\uD83D\uDE00", o.get("s"));
    assertEquals("", Json.utf8(new byte[0]));
    assertThrows(JsonException.class, () -> Json.parseObject("[1]".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void byteMarkOrNullIsRejected() {
    assertThrows(JsonException.class, () -> Json.parse(hex("efbbbf7b7d")), "a BOM is not JSON");
    assertThrows(JsonException.class, () -> Json.utf8(null));
  }

  @Test
  void writerNeverEmitsALoneSurrogate() throws Exception {
    String written = Json.obj().put("a", "x\uD83Dy\uDE00z\uD83D\uDE00").toString();
    assertEquals("{\"a\":\"x\uFFFDy\uFFFDz\uD83D\uDE00\"}", written);
    assertEquals("x\uFFFDy\uFFFDz\uD83D\uDE00",
        Json.parseObject(written.getBytes(StandardCharsets.UTF_8)).get("a"));
  }
}
