package io.vtstatus.internal.json;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A strict, bounded JSON reader and a small writer. We have no dependencies, and what reaches us
 * from the network must never cost more than its size or throw anything but {@link
 * JsonException}. This class is the entry point; {@link JsonReader} parses, {@link JsonWriter}
 * writes and {@link Utf8} decodes bytes.
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

  /**
   * Decodes UTF-8 strictly: malformed or truncated sequences, overlong forms and encoded
   * surrogates are refused, never replaced. This is the byte-level entry point for bodies read
   * from the network; its name and signature are stable.
   *
   * @throws JsonException naming the offset of the first bad byte
   */
  public static String utf8(byte[] bytes) throws JsonException {
    return Utf8.decode(bytes);
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
    return parse(text, MAX_LENGTH);
  }

  /**
   * As {@link #parse(String)}, with a length bound of the caller's: a client whose user raised
   * its body bound reads answers longer than {@link #MAX_LENGTH}.
   */
  public static Object parse(String text, int maxLength) throws JsonException {
    if (text == null) {
      throw new JsonException("no body");
    }
    if (text.length() > maxLength) {
      throw new JsonException("JSON text longer than " + maxLength + " characters");
    }
    return JsonReader.read(text);
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

  // ---- writing ----

  /** Writes a map of strings, numbers, booleans, nested maps/lists and {@link #NULL}. */
  public static String write(Object value) {
    return JsonWriter.write(value);
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
}
