package io.vtstatus.internal.json;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An RFC 6901 JSON Pointer ({@code /data/status}, {@code /output/0}, {@code ~0} for {@code ~},
 * {@code ~1} for {@code /}), compiled once and evaluated against the values {@link Json#parse}
 * returns. Compiling validates, so a pointer that exists is well formed; evaluating allocates
 * nothing, because it runs on every poll.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonPointer {
  /** The longest pointer text accepted: far beyond any real document's depth. */
  public static final int MAX_LENGTH = 1024;

  private static final JsonPointer ROOT = new JsonPointer("", new String[0], new int[0]);

  private final String text;
  private final String[] tokens;
  /** Each token as an array index, or -1 when it cannot be one ({@code 01}, {@code -}, {@code a}). */
  private final int[] indexes;

  private JsonPointer(String text, String[] tokens, int[] indexes) {
    this.text = text;
    this.tokens = tokens;
    this.indexes = indexes;
  }

  /**
   * Compiles {@code text}: empty (the whole document) or {@code /}-separated reference tokens,
   * where {@code ~} must be followed by {@code 0} or {@code 1}.
   *
   * @throws IllegalArgumentException quoting {@code text} and saying what is wrong with it
   */
  public static JsonPointer compile(String text) {
    if (text == null) {
      throw new IllegalArgumentException("Invalid JSON Pointer: null");
    }
    if (text.isEmpty()) {
      return ROOT;
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("Invalid JSON Pointer (longer than " + MAX_LENGTH
          + " characters): \"" + text.substring(0, 40) + "…\"");
    }
    if (text.charAt(0) != '/') {
      throw new IllegalArgumentException("Invalid JSON Pointer (must be empty or start with '/'): \""
          + text + "\"");
    }
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '/') {
        count++;
      }
    }
    String[] tokens = new String[count];
    int[] indexes = new int[count];
    int t = 0;
    int start = 1;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '/') {
        tokens[t] = unescape(text, start, i);
        indexes[t] = index(tokens[t]);
        t++;
        start = i + 1;
      }
    }
    return new JsonPointer(text, tokens, indexes);
  }

  private static String unescape(String text, int from, int to) {
    StringBuilder b = null;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c != '~') {
        if (b != null) {
          b.append(c);
        }
        continue;
      }
      char next = i + 1 < to ? text.charAt(i + 1) : 0;
      if (next != '0' && next != '1') {
        throw new IllegalArgumentException("Invalid JSON Pointer ('~' at offset " + i
            + " must be followed by 0 or 1): \"" + text + "\"");
      }
      if (b == null) {
        b = new StringBuilder(to - from).append(text, from, i);
      }
      b.append(next == '0' ? '~' : '/');
      i++;
    }
    return b == null ? text.substring(from, to) : b.toString();
  }

  /** RFC 6901's array index: {@code 0} or digits without a leading zero, within an int. */
  private static int index(String token) {
    int n = token.length();
    if (n == 0 || n > 9 || (n > 1 && token.charAt(0) == '0')) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < n; i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * The value this pointer refers to in {@code document} (a value {@link Json#parse} returned),
   * or Java {@code null} when there is none: a missing member, an index past the end or not an
   * index, or a step into a string, number, boolean or JSON null. JSON null itself is returned
   * as {@link Json#NULL}.
   */
  public Object find(Object document) {
    Object v = document;
    for (int i = 0; i < tokens.length; i++) {
      if (v instanceof Map) {
        v = ((Map<?, ?>) v).get(tokens[i]);
      } else if (v instanceof List) {
        List<?> l = (List<?>) v;
        int ix = indexes[i];
        v = ix >= 0 && ix < l.size() ? l.get(ix) : null;
      } else {
        return null;
      }
      if (v == null) {
        return null;
      }
    }
    return v;
  }

  /** The reference tokens, unescaped: {@code /a~1b/0} has {@code a/b} and {@code 0}. */
  public List<String> tokens() {
    return List.of(tokens);
  }

  /** The pointer as written: {@code compile(p.toString())} equals {@code p}. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonPointer && Arrays.equals(tokens, ((JsonPointer) o).tokens);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens);
  }
}
