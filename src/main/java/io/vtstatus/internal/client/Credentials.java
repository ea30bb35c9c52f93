package io.vtstatus.internal.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The headers a user gave for credentials, and the one place their values live: nothing else
 * holds or prints them. {@link #toString()} names the headers and says {@code [redacted]};
 * {@link #redact(String)} hides every value this holder has handed out (the last few of a
 * rotating one) in text a server sent back, before it is quoted in a message.
 *
 * <p>Immutable as configured; thread-safe.
 */
public final class Credentials {
  /** No headers. */
  public static final Credentials NONE = new Credentials(List.of());

  /** Headers the client or the JDK sets itself; a user's value would clash with ours. */
  private static final Set<String> RESERVED = Set.of("connection", "content-length", "expect",
      "host", "upgrade", "accept", "content-type", "user-agent", "idempotency-key",
      "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");
  /** How many values of a rotating header are remembered for redaction. */
  private static final int REMEMBERED = 8;
  /** Parts of a value at least this long (a token after {@code Bearer}) are redacted alone too. */
  private static final int MIN_PART = 8;

  private final List<Header> headers;
  private final Set<String> seen = new LinkedHashSet<>();

  private static final class Header {
    final String name;
    final Supplier<String> value;
    final boolean rotating;

    Header(String name, Supplier<String> value, boolean rotating) {
      this.name = name;
      this.value = value;
      this.rotating = rotating;
    }

    @Override
    public String toString() {
      return name + ": [redacted]";
    }
  }

  private Credentials(List<Header> headers) {
    this.headers = List.copyOf(headers);
  }

  /**
   * These headers and {@code name}, replacing a header of that name (case-insensitively).
   * {@code rotating} values are asked for on every request; others once, now.
   *
   * @throws IllegalArgumentException for a name that is not an HTTP token or that the client
   *     sets itself, or a value with a line break or control character (the message never
   *     quotes the value)
   */
  public Credentials with(String name, Supplier<String> value, boolean rotating) {
    checkName(name);
    Supplier<String> v = value;
    if (!rotating) {
      String fixed = checkValue(name, value.get());
      v = () -> fixed;
    }
    List<Header> next = new ArrayList<>();
    for (Header h : headers) {
      if (!h.name.equalsIgnoreCase(name)) {
        next.add(h);
      }
    }
    next.add(new Header(name, v, rotating));
    return new Credentials(next);
  }

  /**
   * Checks a header {@code name} and {@code value} as {@link #with} does, for headers we receive
   * rather than send (a webhook's shared header).
   *
   * @throws IllegalArgumentException as {@link #with}, never quoting the value
   */
  public static void checkHeader(String name, String value) {
    checkName(name);
    checkValue(name, value);
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty() || name.length() > 256) {
      throw new IllegalArgumentException("Invalid header name: " + (name == null ? "null" : "\"" + name + "\""));
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        throw new IllegalArgumentException("Invalid header name (not an HTTP token): \""
            + name.replaceAll("\\p{Cntrl}", "?") + "\"");
      }
    }
    if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("Invalid header name (the client sets it): \"" + name + "\"");
    }
  }

  private static String checkValue(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("Header " + name + " has no value (null)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        throw new IllegalArgumentException("Header " + name
            + "'s value has a line break, control or non-Latin-1 character at offset " + i);
      }
    }
    return value;
  }

  /** True when no header is configured. */
  public boolean isEmpty() {
    return headers.isEmpty();
  }

  /** True when a header's value comes from a supplier asked per request. */
  public boolean rotating() {
    for (Header h : headers) {
      if (h.rotating) {
        return true;
      }
    }
    return false;
  }

  /**
   * The headers for one request, rotating values asked for now.
   *
   * @throws IllegalArgumentException when a supplier throws, or gives null or a value with a
   *     line break (the message names the header, never a value)
   */
  Map<String, String> values() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Header h : headers) {
      String given;
      try {
        given = h.value.get();
      } catch (RuntimeException e) {
        // Not its message: it may quote what the supplier was reading.
        throw new IllegalArgumentException("Header " + h.name + "'s value supplier threw "
            + e.getClass().getName());
      }
      String v = checkValue(h.name, given);
      remember(v);
      m.put(h.name, v);
    }
    return m;
  }

  private synchronized void remember(String v) {
    if (v.isEmpty() || !seen.add(v)) {
      return;
    }
    if (seen.size() > REMEMBERED * Math.max(1, headers.size())) {
      Iterator<String> it = seen.iterator();
      it.next();
      it.remove();
    }
  }

  /** {@code text} with every value handed out (and each long part of one) replaced by {@code [redacted]}. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    List<String> values;
    synchronized (this) {
      if (seen.isEmpty()) {
        return text;
      }
      values = new ArrayList<>(seen);
    }
    String t = text;
    for (String v : values) {
      t = t.replace(v, "[redacted]");
      for (String part : v.split("[ \t]+")) {
        if (part.length() >= MIN_PART) {
          t = t.replace(part, "[redacted]");
        }
      }
    }
    return t;
  }

  /** The header names, each with {@code [redacted]}. */
  @Override
  public String toString() {
    return headers.toString();
  }
}
