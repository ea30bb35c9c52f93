package io.vtstatus.internal.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A status URL template such as {@code /v1/predictions/{id}} or {@code /status?job={id}}:
 * relative to the client's server or absolute. The id is data, never syntax: it is
 * percent-encoded (everything but RFC 3986's unreserved characters), so it stays one path
 * segment or one query value wherever it stands, and ids that no encoding makes safe ({@code
 * .}, {@code ..}, empty, control characters) are refused before any request.
 *
 * <p>Immutable and thread-safe.
 */
public final class UrlTemplate {
  /** The placeholder, the only one a template may hold (once or more). */
  public static final String ID = "{id}";
  /** The longest job id a declared protocol accepts, in characters. */
  public static final int MAX_ID_LENGTH = 1024;

  private final String text;
  private final boolean absolute;

  private UrlTemplate(String text, boolean absolute) {
    this.text = text;
    this.absolute = absolute;
  }

  /**
   * Compiles {@code text}: an absolute {@code http(s)://host…} URL or a path starting with
   * {@code /}, holding {@value #ID} at least once, no other braces and no fragment, and
   * making a valid URI once the id is in.
   *
   * @throws IllegalArgumentException quoting the template and saying what is wrong
   */
  public static UrlTemplate compile(String text) {
    if (text == null) {
      throw new IllegalArgumentException("Invalid status URL template: null");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    boolean absolute = lower.startsWith("http://") || lower.startsWith("https://");
    if (!absolute && !text.startsWith("/")) {
      throw bad(text, "must start with '/' or be an absolute http(s) URL");
    }
    if (!text.contains(ID)) {
      throw bad(text, "has no " + ID);
    }
    if (text.replace(ID, "").indexOf('{') >= 0 || text.replace(ID, "").indexOf('}') >= 0) {
      throw bad(text, "has a brace that is not part of " + ID);
    }
    if (text.indexOf('#') >= 0) {
      throw bad(text, "has a fragment");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw bad(text, "has a space, control or non-ASCII character at offset " + i);
      }
    }
    UrlTemplate t = new UrlTemplate(text, absolute);
    URI probe;
    try {
      probe = new URI(t.substitute("http://h", "x"));
    } catch (URISyntaxException e) {
      throw bad(text, "is not a valid URI (" + e.getReason() + ")");
    }
    if (absolute && (probe.getHost() == null || probe.getRawAuthority().contains(ID)
        || hostOf(text).contains("{"))) {
      throw bad(text, "needs a host, and " + ID + " cannot be part of it");
    }
    return t;
  }

  private static String hostOf(String absolute) {
    int start = absolute.indexOf("//") + 2;
    int end = start;
    while (end < absolute.length() && "/?".indexOf(absolute.charAt(end)) < 0) {
      end++;
    }
    return absolute.substring(start, end);
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("Invalid status URL template (" + why + "): \"" + text + "\"");
  }

  /**
   * Checks that {@code id} can stand for {@value #ID}.
   *
   * @throws IllegalArgumentException naming the id (escaped) and why
   */
  public static void checkId(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("Invalid job id: empty");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("Invalid job id (longer than " + MAX_ID_LENGTH
          + " characters): " + id.substring(0, 40) + "…");
    }
    if (id.equals(".") || id.equals("..")) {
      throw new IllegalArgumentException("Invalid job id (a path step, not a name): " + id);
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        throw new IllegalArgumentException("Invalid job id (control character at offset " + i
            + ")");
      }
      if (Character.isHighSurrogate(c) && i + 1 < id.length()
          && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        // UTF-8 cannot encode it: the encoder would put a '?' in its place.
        throw new IllegalArgumentException("Invalid job id (unpaired surrogate at offset " + i + ")");
      }
    }
  }

  /** The status URI of {@code id} (checked first), relative templates resolved against {@code base}. */
  public URI expand(String base, String id) {
    checkId(id);
    return expandChecked(base, id);
  }

  /** As {@link #expand}, for an id its protocol has checked by a rule of its own. */
  URI expandChecked(String base, String id) {
    return URI.create(substitute(base, encode(id)));
  }

  /** The origin (scheme, host, port) of the template's URLs, against {@code base}. */
  public String origin(String base) {
    return origin(URI.create(substitute(base, "x")));
  }

  /** {@code uri}'s origin as {@code scheme://host:port}, the default port made explicit. */
  public static String origin(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    return scheme + "://" + host + ":" + port;
  }

  private String substitute(String base, String encodedId) {
    String t = text.replace(ID, encodedId);
    if (absolute) {
      return t;
    }
    String b = base;
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    return b + t;
  }

  /** UTF-8 percent-encoding of all but A-Z a-z 0-9 {@code - . _ ~}. */
  static String encode(String id) {
    StringBuilder b = null;
    byte[] bytes = null;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!unreserved(c)) {
        bytes = id.getBytes(StandardCharsets.UTF_8);
        b = new StringBuilder(bytes.length * 3);
        break;
      }
    }
    if (b == null) {
      return id;
    }
    for (byte x : bytes) {
      int c = x & 0xff;
      if (c < 0x80 && unreserved((char) c)) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /** The template as written. */
  @Override
  public String toString() {
    return text;
  }
}
