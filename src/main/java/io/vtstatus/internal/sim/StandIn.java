package io.vtstatus.internal.sim;

import com.sun.net.httpserver.Headers;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonPointer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator standing in for another job API, declared by a protocol's data: its status path,
 * where the id, status word, output and error go in the answer, its vocabulary (each word is
 * served: pending words in turn as a job runs, one failed word per failed job), its id shape,
 * and the header that carries its key. Nothing here does I/O.
 *
 * <p>Immutable and thread-safe.
 */
public final class StandIn {
  private static final String OUTPUTS = "https://simulator.vtstatus.invalid/outputs/";
  private final String name;
  private final String prefix;
  private final String suffix;
  private final JsonPointer status;
  private final List<String> pending;
  private final String completed;
  private final List<String> failed;
  private final Optional<JsonPointer> output;
  private final Optional<JsonPointer> error;
  private final Api api;
  /** AssemblyAI's {@code webhook_auth_header_name} and {@code _value}; never printed. */
  private final Optional<String[]> webhookHeader;

  /**
   * What a stand-in needs beyond the protocol's data: where the id goes, how ids look (every
   * shape also matches vtstatus's id rule) and which header carries the key.
   */
  private enum Api {
    /** 26 lowercase base-32 characters. */
    REPLICATE("replicate", "/id", "Authorization", "Bearer ", "detail"),
    /** {@code batch_} and 32 hex digits. */
    OPENAI_BATCH("openai-batch", "/id", "Authorization", "Bearer ", "error"),
    /** 32 hex digits. */
    HEYGEN("heygen-translate", "/data/id", "X-Api-Key", "", "error"),
    /** A UUID. */
    ASSEMBLYAI("assemblyai", "/id", "Authorization", "", "error"),
    /** Any other declared protocol: vtstatus's own {@code job_} and 16 hex digits. */
    OTHER("", "/id", "Authorization", "Bearer ", "error");

    final String profile;
    final JsonPointer id;
    final String header;
    final String scheme;
    /**
     * The member an error answer's message goes in: Replicate's {@code detail} (its 429s carry
     * one); the others' error shapes are not in our sources, so they keep the simulator's.
     */
    final String errorKey;

    Api(String profile, String id, String header, String scheme, String errorKey) {
      this.profile = profile;
      this.id = JsonPointer.compile(id);
      this.header = header;
      this.scheme = scheme;
      this.errorKey = errorKey;
    }

    static Api of(String name) {
      for (Api a : values()) {
        if (a.profile.equals(name)) {
          return a;
        }
      }
      return OTHER;
    }
  }

  private StandIn(StandIn s, Optional<String[]> webhookHeader) {
    this.name = s.name;
    this.prefix = s.prefix;
    this.suffix = s.suffix;
    this.status = s.status;
    this.pending = s.pending;
    this.completed = s.completed;
    this.failed = s.failed;
    this.output = s.output;
    this.error = s.error;
    this.api = s.api;
    this.webhookHeader = webhookHeader;
  }

  /** This stand-in, its webhooks carrying header {@code name: value} where the API sends one. */
  public StandIn withWebhookHeader(String name, String value) {
    return new StandIn(this, Optional.of(new String[] {name, value}));
  }

  /** The static header webhooks carry (name, value), if configured. */
  Optional<String[]> webhookHeader() {
    return webhookHeader.map(String[]::clone);
  }

  private StandIn(String name, String template, String status, Map<String, JobStatus> words,
      Optional<String> output, Optional<String> error) {
    this.webhookHeader = Optional.empty();
    int at = template.indexOf("{id}");
    if (at < 0 || template.indexOf('?') >= 0 || template.indexOf("{id}", at + 1) >= 0
        || !template.startsWith("/")) {
      throw new IllegalArgumentException("The simulator stands in only for a relative status URL"
          + " with {id} once in its path: \"" + template + "\"");
    }
    this.name = name;
    this.prefix = template.substring(0, at);
    this.suffix = template.substring(at + 4);
    this.status = JsonPointer.compile(status);
    List<String> p = new ArrayList<>();
    List<String> c = new ArrayList<>();
    List<String> f = new ArrayList<>();
    words.forEach((w, s) -> (s == JobStatus.PENDING ? p : s == JobStatus.COMPLETED ? c : f).add(w));
    this.pending = List.copyOf(p);
    this.completed = c.get(0);
    this.failed = List.copyOf(f);
    this.output = output.map(JsonPointer::compile);
    this.error = error.map(JsonPointer::compile);
    this.api = Api.of(name);
  }

  /**
   * A stand-in for the protocol with these parts (a {@code JobProtocol}'s public accessors).
   * The four built-in profiles get their API's id shape and auth header; another declared
   * protocol gets {@code /id}, vtstatus ids and {@code Authorization: Bearer}.
   *
   * @throws IllegalArgumentException when the template is absolute or has a query
   */
  public static StandIn of(String name, String template, String status,
      Map<String, JobStatus> words, Optional<String> output, Optional<String> error) {
    return new StandIn(name, template, status, words, output, error);
  }

  public String name() {
    return name;
  }

  /** How this API's webhook deliveries prove where they come from (docs/PROTOCOLS.md). */
  enum WebhookAuth {
    /** Replicate, OpenAI (and other declared protocols): Standard Webhooks signatures. */
    STANDARD_WEBHOOKS,
    /** AssemblyAI: a static header, when one is configured. */
    SHARED_HEADER,
    /** HeyGen's per-job callbacks. */
    UNSIGNED
  }

  WebhookAuth webhookAuth() {
    switch (api) {
      case HEYGEN:
        return WebhookAuth.UNSIGNED;
      case ASSEMBLYAI:
        return WebhookAuth.SHARED_HEADER;
      default:
        return WebhookAuth.STANDARD_WEBHOOKS;
    }
  }

  /**
   * The webhook body announcing that job {@code jobId} ended with {@code s}, in this API's shape
   * (VENDORS.md): Replicate's prediction object, OpenAI's {@code batch.*} event, HeyGen's {@code
   * video_translate.success|fail} event, AssemblyAI's {@code transcript_id} and {@code status};
   * another declared protocol's status answer.
   */
  String webhookBody(String jobId, JobStatus s, String eventId, long nowSeconds) {
    boolean ok = s == JobStatus.COMPLETED;
    String word = ok ? completed : failedWord(jobId);
    switch (api) {
      case OPENAI_BATCH:
        return Json.obj().put("id", eventId).put("object", "event").put("created_at", nowSeconds)
            .put("type", "batch." + word).put("data", Json.obj().put("id", jobId).map())
            .toString();
      case HEYGEN: {
        Json.ObjectBuilder data = Json.obj().put("video_translate_id", jobId);
        if (ok) {
          data.put("url", OUTPUTS + jobId);
        } else {
          data.put("message", "simulated failure (" + word + ")");
        }
        return Json.obj().put("event_type", "video_translate." + (ok ? "success" : "fail"))
            .put("event_data", data.map()).toString();
      }
      case ASSEMBLYAI:
        return Json.obj().put("transcript_id", jobId).put("status", word).toString();
      default:
        return body(jobId, s, 1);
    }
  }

  private String failedWord(String jobId) {
    return failed.get(Math.floorMod(jobId.hashCode(), failed.size()));
  }

  /** The header that carries the key, and its value for {@code key}. */
  public String authHeader() {
    return api.header;
  }

  String authValue(String key) {
    return api.scheme + key;
  }

  /** Whether {@code headers} carry {@code key} as this API wants it. */
  boolean authorized(Headers headers, String key) {
    String got = headers.getFirst(api.header);
    if (got == null) {
      return false;
    }
    // Constant time: the stand-in is a test double, but a key compared early-out is a habit.
    return MessageDigest.isEqual(got.getBytes(StandardCharsets.UTF_8),
        authValue(key).getBytes(StandardCharsets.UTF_8));
  }

  /** An error answer in this API's shape. */
  Response error(int code, String message) {
    return Response.json(code, Json.obj().put(api.errorKey, message).toString());
  }

  /** The job id a status path names, empty when the path is not this API's status path. */
  Optional<String> jobIdOf(String rawPath) {
    if (rawPath.length() <= prefix.length() + suffix.length() || !rawPath.startsWith(prefix)
        || !rawPath.endsWith(suffix)) {
      return Optional.empty();
    }
    String raw = rawPath.substring(prefix.length(), rawPath.length() - suffix.length());
    if (raw.indexOf('/') >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The status path of job {@code jobId} (ids are unreserved characters only). */
  String statusPath(String jobId) {
    return prefix + jobId + suffix;
  }

  /** A new id in this API's shape. */
  String newId(Rand rand) {
    switch (api) {
      case REPLICATE: {
        String a = rand.id("") + rand.id("");
        StringBuilder b = new StringBuilder(26);
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        for (int i = 0; i < 26; i++) {
          b.append(alphabet.charAt(Character.digit(a.charAt(i), 16) * 2
              + (Character.digit(a.charAt(i + 1), 16) & 1)));
        }
        return b.toString();
      }
      case OPENAI_BATCH:
        return "batch_" + rand.id("") + rand.id("");
      case HEYGEN:
        return rand.id("") + rand.id("");
      case ASSEMBLYAI: {
        String h = rand.id("") + rand.id("");
        return (h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-a"
            + h.substring(17, 20) + "-" + h.substring(20, 32)).toLowerCase(Locale.ROOT);
      }
      default:
        return rand.id("job_");
    }
  }

  /**
   * The answer for job {@code jobId} in {@code status}; {@code done} is the share of its
   * duration gone (0..1), which picks the pending word: each in turn.
   */
  String body(String jobId, JobStatus s, double done) {
    Map<String, Object> doc = new LinkedHashMap<>();
    put(doc, api.id, jobId, true);
    String word;
    if (s == JobStatus.PENDING) {
      word = pending.get(Math.min(pending.size() - 1, (int) (Math.max(0, done) * pending.size())));
    } else if (s == JobStatus.COMPLETED) {
      word = completed;
    } else {
      word = failedWord(jobId);
    }
    put(doc, status, word, true);
    if (output.isPresent()) {
      put(doc, output.get(), s == JobStatus.COMPLETED
          ? OUTPUTS + jobId : Json.NULL, s == JobStatus.COMPLETED);
    }
    if (error.isPresent()) {
      put(doc, error.get(), s == JobStatus.ERROR
          ? "simulated failure (" + word + ")" : Json.NULL, s == JobStatus.ERROR);
    }
    return Json.write(doc);
  }

  /**
   * Sets {@code value} at {@code p}, making the objects and arrays on the way when {@code make};
   * otherwise only where they exist already (a JSON null is not worth a made-up container).
   */
  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> doc, JsonPointer p, Object value, boolean make) {
    List<String> tokens = p.tokens();
    if (tokens.isEmpty()) {
      return;
    }
    Object at = doc;
    for (int i = 0; i < tokens.size() - 1; i++) {
      String t = tokens.get(i);
      Object next;
      if (at instanceof Map) {
        next = ((Map<String, Object>) at).get(t);
      } else {
        int ix = index(t);
        if (ix < 0) {
          return;
        }
        next = ix < ((List<Object>) at).size() ? ((List<Object>) at).get(ix) : null;
      }
      if (!(next instanceof Map || next instanceof List)) {
        if (!make) {
          return;
        }
        next = index(tokens.get(i + 1)) >= 0 ? new ArrayList<>() : new LinkedHashMap<>();
        set(at, t, next);
      }
      at = next;
    }
    set(at, tokens.get(tokens.size() - 1), value);
  }

  @SuppressWarnings("unchecked")
  private static void set(Object container, String token, Object value) {
    if (container instanceof Map) {
      ((Map<String, Object>) container).put(token, value);
      return;
    }
    List<Object> l = (List<Object>) container;
    int i = Math.max(0, index(token));
    while (l.size() <= i) {
      l.add(Json.NULL);
    }
    l.set(i, value);
  }

  private static int index(String token) {
    return token.matches("0|[1-9][0-9]{0,3}") ? Integer.parseInt(token) : -1;
  }
}
