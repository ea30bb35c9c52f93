package io.vtstatus.internal.json;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strict, bounded JSON reader and a small writer. We have no dependencies, and what reaches us
 * from the network must never cost more than its size or throw anything but {@link
 * JsonException}.
 *
 * <p>Values map to {@code Map<String,Object>} (insertion ordered), {@code List<Object>}, {@code
 * String}, {@code BigDecimal}, {@code Boolean} and {@link #NULL}. Duplicate keys are rejected:
 * two readers of one object must not see different values. Strings must be well-formed Unicode:
 * backslash-u escapes take ASCII hex digits only, surrogates come in pairs (escaped or not), and
 * bytes from the network go through {@link #utf8(byte[])}, which refuses invalid UTF-8 rather
 * than replacing it: a reader that silently substitutes U+FFFD sees a different text than the
 * sender signed or meant.
 */
public final class Json {
  /** JSON {@code null}, so maps never hold Java nulls. */
  public static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** The deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 32;
  /** The longest text accepted, in characters. */
  public static final int MAX_LENGTH = 1 << 20;

  private final String s;
  private int pos;
  private int depth;

  private Json(String s) {
    this.s = s;
  }

  /**
   * Decodes UTF-8 strictly: malformed or truncated sequences, overlong forms and encoded
   * surrogates are refused, never replaced. This is the byte-level entry point for bodies read
   * from the network; its name and signature are stable.
   *
   * @throws JsonException naming the offset of the first bad byte
   */
  public static String utf8(byte[] bytes) throws JsonException {
    if (bytes == null) {
      throw new JsonException("no body");
    }
    int i = 0;
    while (i < bytes.length && bytes[i] >= 0) {
      i++;
    }
    if (i == bytes.length) {
      // All ASCII (every status and webhook body we send): no decoder needed.
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never decodes to more UTF-16 units than it has bytes.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      throw new JsonException("invalid UTF-8 at byte " + in.position());
    }
    return out.flip().toString();
  }

  /** {@link #parse(String)} of {@link #utf8(byte[]) strictly decoded} UTF-8. */
  public static Object parse(byte[] utf8) throws JsonException {
    return parse(utf8(utf8));
  }

  /** {@link #parseObject(String)} of {@link #utf8(byte[]) strictly decoded} UTF-8. */
  public static Map<String, Object> parseObject(byte[] utf8) throws JsonException {
    return parseObject(utf8(utf8));
  }

  /** Parses one JSON value that fills the whole text (surrounding whitespace allowed). */
  public static Object parse(String text) throws JsonException {
    if (text == null) {
      throw new JsonException("no body");
    }
    if (text.length() > MAX_LENGTH) {
      throw new JsonException("JSON text longer than " + MAX_LENGTH + " characters");
    }
    Json p = new Json(text);
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

  /** Parses a JSON object; anything else is an error. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) throws JsonException {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new JsonException("expected a JSON object");
    }
    return (Map<String, Object>) v;
  }

  /** The string at {@code key}, empty if absent; a non-string value is an error. */
  public static Optional<String> string(Map<String, Object> o, String key) throws JsonException {
    Object v = o.get(key);
    if (v == null || v == NULL) {
      return Optional.empty();
    }
    if (!(v instanceof String)) {
      throw new JsonException("\"" + key + "\" must be a string");
    }
    return Optional.of((String) v);
  }

  /** The number at {@code key} as a long, empty if absent; non-integral or huge is an error. */
  public static Optional<Long> integer(Map<String, Object> o, String key) throws JsonException {
    Object v = o.get(key);
    if (v == null || v == NULL) {
      return Optional.empty();
    }
    if (!(v instanceof BigDecimal)) {
      throw new JsonException("\"" + key + "\" must be a number");
    }
    try {
      return Optional.of(((BigDecimal) v).longValueExact());
    } catch (ArithmeticException e) {
      throw new JsonException("\"" + key + "\" must be an integer");
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
        return literal("null", NULL);
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
    if (++depth > MAX_DEPTH) {
      throw error("JSON nested deeper than " + MAX_DEPTH);
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

  // ---- writing ----

  /** Writes a map of strings, numbers, booleans, nested maps/lists and {@link #NULL}. */
  public static String write(Object value) {
    StringBuilder b = new StringBuilder(64);
    write(b, value);
    return b.toString();
  }

  /** A small ordered-object builder: {@code Json.obj().put("a", "b").toString()}. */
  public static ObjectBuilder obj() {
    return new ObjectBuilder();
  }

  /** Builds a JSON object in insertion order. */
  public static final class ObjectBuilder {
    private final Map<String, Object> m = new LinkedHashMap<>();

    /** Adds or replaces {@code k}; a Java null is written as JSON null. */
    public ObjectBuilder put(String k, Object v) {
      m.put(k, v == null ? NULL : v);
      return this;
    }

    /** The live map being built. */
    public Map<String, Object> map() {
      return m;
    }

    @Override
    public String toString() {
      return write(m);
    }
  }

  private static void write(StringBuilder b, Object v) {
    if (v == null || v == NULL) {
      b.append("null");
    } else if (v instanceof String) {
      quote(b, (String) v);
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Map) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        quote(b, String.valueOf(e.getKey()));
        b.append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof Iterable) {
      b.append('[');
      boolean first = true;
      for (Object o : (Iterable<?>) v) {
        if (!first) {
          b.append(',');
        }
        first = false;
        write(b, o);
      }
      b.append(']');
    } else {
      quote(b, v.toString());
    }
  }

  /** Appends {@code s} as a JSON string literal. */
  public static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c)) {
            // A lone surrogate has no UTF-8 form (strict readers, ours included, refuse it).
            if (Character.isHighSurrogate(c) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1))) {
              b.append(c).append(s.charAt(++i));
            } else {
              b.append('\ufffd');
            }
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }
}
