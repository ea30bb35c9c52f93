package io.vtstatus.internal.client;

import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a wait needs to continue in another process: the server (scheme, host, port and path
 * only: never user info, a query or anything a header carried), the protocol's name, the job, the
 * absolute deadline (none for a wait without one), the polls so far and when the first watch
 * began. On the wire: {@code vt1.} and the base64url of a small JSON object. Version 1 is the
 * only one; a later version gets a new number, so an old client refuses it by name.
 */
public record ResumeToken(String server, String protocol, String jobId, Optional<Instant> deadline,
    int polls, Instant began) {
  static final int VERSION = 1;
  /** Tokens longer than this are refused unread: ours are a few hundred characters. */
  static final int MAX_LENGTH = 2048;
  private static final Pattern SHAPE = Pattern.compile("vt([0-9]{1,6})\\.([A-Za-z0-9_-]*)");

  public ResumeToken {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(began, "began");
  }

  /** {@code uri} as a token names it: no user info, query or fragment; no trailing slash. */
  public static String serverOf(URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + path;
  }

  String encode() {
    Json.ObjectBuilder b = Json.obj().put("s", server).put("p", protocol).put("j", jobId)
        .put("n", polls).put("b", began.toEpochMilli());
    deadline.ifPresent(d -> b.put("d", d.toEpochMilli()));
    return "vt" + VERSION + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads {@code token}.
   *
   * @throws IllegalArgumentException saying whether it is malformed or of another version
   */
  public static ResumeToken decode(String token) {
    Objects.requireNonNull(token, "token");
    if (token.length() > MAX_LENGTH) {
      throw malformed("longer than " + MAX_LENGTH + " characters");
    }
    Matcher m = SHAPE.matcher(token);
    if (!m.matches()) {
      throw malformed("want vt" + VERSION + ". followed by base64url");
    }
    int version = Integer.parseInt(m.group(1));
    if (version != VERSION) {
      throw new IllegalArgumentException("Resume token of version " + version
          + " is not supported (this client reads version " + VERSION + ")");
    }
    byte[] json;
    try {
      json = Base64.getUrlDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw malformed("not base64url");
    }
    try {
      Map<String, Object> o = Json.parseObject(Json.utf8(json));
      String server = Json.string(o, "s").orElseThrow(() -> malformed("no server"));
      String protocol = Json.string(o, "p").orElseThrow(() -> malformed("no protocol"));
      String job = Json.string(o, "j").orElseThrow(() -> malformed("no job"));
      if (job.isEmpty()) {
        // Any other id is the protocol's to judge, as for watch(jobId).
        throw malformed("empty job id");
      }
      long polls = Json.integer(o, "n").orElseThrow(() -> malformed("no poll count"));
      if (polls < 0 || polls > Integer.MAX_VALUE) {
        throw malformed("poll count out of range");
      }
      Instant began = instant(Json.integer(o, "b").orElseThrow(() -> malformed("no start")));
      Optional<Long> d = Json.integer(o, "d");
      return new ResumeToken(server, protocol, job,
          d.isPresent() ? Optional.of(instant(d.get())) : Optional.empty(), (int) polls, began);
    } catch (JsonException e) {
      throw malformed("not the JSON of a token (" + e.getMessage() + ")");
    }
  }

  private static Instant instant(long epochMilli) {
    if (epochMilli < 0 || epochMilli > Instant.parse("9999-12-31T00:00:00Z").toEpochMilli()) {
      throw malformed("time out of range");
    }
    return Instant.ofEpochMilli(epochMilli);
  }

  private static IllegalArgumentException malformed(String why) {
    return new IllegalArgumentException("Malformed resume token: " + why);
  }
}
