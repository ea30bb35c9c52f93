package io.vtstatus.internal.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict, bounded JSON parser behind {@link Json#parse(String)}: one instance reads one
 * text. Nesting is bounded by {@link Json#MAX_DEPTH}, numbers by length and scale, and every
 * failure is a {@link JsonException} naming the offset.
 */
final class JsonReader {
  private final String s;
  private int pos;
  private int depth;

  private JsonReader(String s) {
    this.s = s;
  }

  /** Parses one JSON value that fills the whole text (surrounding whitespace allowed). */
  static Object read(String text) throws JsonException {
    JsonReader p = new JsonReader(text);
    try {
      p.ws();
      Object v = p.value();
      p.ws();
      if (p.pos != text.length()) {
        throw p.error("unexpected text after the JSON value");
      }
      return v;
    } catch (StackOverflowError | NumberFormatException | IndexOutOfBoundsException e) {
      throw new JsonException("malformed JSON");
    }
  }

  private JsonException error(String what) {
    return new JsonException(what + " at offset " + pos);
  }

  private void ws() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private Object value() throws JsonException {
    if (pos >= s.length()) {
      throw error("unexpected end of JSON");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", Json.NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + printable(c) + "'");
    }
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private Object literal(String word, Object v) throws JsonException {
    if (!s.startsWith(word, pos)) {
      throw error("unexpected literal");
    }
    pos += word.length();
    return v;
  }

  private void enter() throws JsonException {
    if (++depth > Json.MAX_DEPTH) {
      throw error("JSON nested deeper than " + Json.MAX_DEPTH);
    }
  }

  private Map<String, Object> object() throws JsonException {
    enter();
    pos++;
    Map<String, Object> m = new LinkedHashMap<>();
    ws();
    if (peek() == '}') {
      pos++;
      depth--;
      return m;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw error("expected a string key");
      }
      String k = string();
      ws();
      expect(':');
      ws();
      Object v = value();
      if (m.put(k, v) != null) {
        throw error("duplicate key \"" + k + "\"");
      }
      ws();
      char c = next();
      if (c == '}') {
        depth--;
        return m;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() throws JsonException {
    enter();
    pos++;
    List<Object> l = new ArrayList<>();
    ws();
    if (peek() == ']') {
      pos++;
      depth--;
      return Collections.unmodifiableList(l);
    }
    while (true) {
      ws();
      l.add(value());
      ws();
      char c = next();
      if (c == ']') {
        depth--;
        return Collections.unmodifiableList(l);
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private char peek() throws JsonException {
    if (pos >= s.length()) {
      throw error("unexpected end of JSON");
    }
    return s.charAt(pos);
  }

  private char next() throws JsonException {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) throws JsonException {
    if (next() != c) {
      pos--;
      throw error("expected '" + c + "'");
    }
  }

  private String string() throws JsonException {
    pos++;
    StringBuilder b = null;
    int start = pos;
    while (true) {
      char c = next();
      if (c == '"') {
        return b == null ? s.substring(start, pos - 1) : b.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("control character in string");
      }
      if (c == '\\') {
        if (b == null) {
          b = new StringBuilder(s.substring(start, pos - 1));
        }
        char e = next();
        switch (e) {
          case '"': b.append('"'); break;
          case '\\': b.append('\\'); break;
          case '/': b.append('/'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'n': b.append('\n'); break;
          case 'r': b.append('\r'); break;
          case 't': b.append('\t'); break;
          case 'u': {
            char u = hex4();
            if (Character.isHighSurrogate(u)) {
              if (!s.startsWith("\\u", pos)) {
                throw error("unpaired surrogate \\u" + hex(u));
              }
              pos += 2;
              char low = hex4();
              if (!Character.isLowSurrogate(low)) {
                throw error("unpaired surrogate \\u" + hex(u));
              }
              b.append(u).append(low);
            } else if (Character.isLowSurrogate(u)) {
              throw error("unpaired surrogate \\u" + hex(u));
            } else {
              b.append(u);
            }
            break;
          }
          default:
            pos--;
            throw error("bad escape");
        }
      } else {
        if (Character.isSurrogate(c)) {
          // Only a String caller can hand us these (strict UTF-8 cannot encode a lone one).
          if (!Character.isHighSurrogate(c) || pos >= s.length()
              || !Character.isLowSurrogate(s.charAt(pos))) {
            pos--;
            throw error("unpaired surrogate");
          }
          if (b != null) {
            b.append(c);
          }
          c = next();
        }
        if (b != null) {
          b.append(c);
        }
      }
    }
  }

  /**
   * The four hex digits of a backslash-u escape: ASCII {@code 0-9a-fA-F} only. {@link
   * Character#digit} also takes other scripts' digits and fullwidth letters: backslash-u followed
   * by U+0660 U+0660 U+0664 U+FF21 would read as {@code J}.
   */
  private char hex4() throws JsonException {
    if (pos + 4 > s.length()) {
      throw error("truncated \\u escape");
    }
    int cp = 0;
    for (int i = 0; i < 4; i++) {
      char h = s.charAt(pos);
      int d;
      if (h >= '0' && h <= '9') {
        d = h - '0';
      } else if (h >= 'a' && h <= 'f') {
        d = h - 'a' + 10;
      } else if (h >= 'A' && h <= 'F') {
        d = h - 'A' + 10;
      } else {
        throw error("bad \\u escape (want 4 ASCII hex digits)");
      }
      pos++;
      cp = cp * 16 + d;
    }
    return (char) cp;
  }

  private static String hex(char c) {
    return String.format("%04x", (int) c);
  }

  private BigDecimal number() throws JsonException {
    int start = pos;
    if (peekIs('-')) {
      pos++;
    }
    if (peekIs('0')) {
      pos++;
    } else if (digit()) {
      while (digit()) { /* consume */ }
    } else {
      throw error("bad number");
    }
    if (peekIs('.')) {
      pos++;
      if (!digit()) {
        throw error("bad number");
      }
      while (digit()) { /* consume */ }
    }
    if (peekIs('e') || peekIs('E')) {
      pos++;
      if (peekIs('+') || peekIs('-')) {
        pos++;
      }
      if (!digit()) {
        throw error("bad number");
      }
      while (digit()) { /* consume */ }
    }
    if (pos - start > 64) {
      throw error("number too long");
    }
    BigDecimal d = new BigDecimal(s.substring(start, pos));
    // Bound the scale so a value like 1e999999999 cannot cost time or memory later.
    if (Math.abs(d.scale()) > 1000) {
      throw error("number out of range");
    }
    return d;
  }

  private boolean peekIs(char c) {
    return pos < s.length() && s.charAt(pos) == c;
  }

  private boolean digit() {
    if (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
      return true;
    }
    return false;
  }
}
