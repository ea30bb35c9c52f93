package io.vtstatus.internal.client;

import io.vtstatus.CredentialsRefusedException;
import io.vtstatus.JobNotFoundException;
import io.vtstatus.JobStatus;
import io.vtstatus.ProtocolException;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.internal.webhook.Ed25519;
import io.vtstatus.internal.webhook.KeyRing;
import io.vtstatus.internal.webhook.Signatures;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The status API as the client sees it: the three requests it makes ({@code GET /status},
 * {@code POST /register-webhook}, {@code POST /jobs}), and what their answers mean. It decides
 * which failures are worth retrying; the callers decide when.
 */
final class StatusApi {
  /** Retry-After values beyond this are taken as this: a server cannot park us for a day. */
  static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  static final int SUBMIT_ATTEMPTS = 4;

  /** Status words not declared that are reported, per client; more are only read as pending. */
  static final int MAX_REPORTED_WORDS = 64;

  private final URI server;
  private final String base;
  private final Transport transport;
  private final Clock clock;
  private final ProtocolSpec protocol;
  private final Credentials credentials;
  /** Where credentials may go: the status template's origin. */
  private final String origin;
  private final int maxBody;
  private final BiConsumer<String, String> unknownWord;
  private final Set<String> reportedWords = ConcurrentHashMap.newKeySet();

  StatusApi(URI server, Transport transport, Clock clock) {
    this(server, transport, clock, ProtocolSpec.VTSTATUS, Credentials.NONE, StatusAnswer.MAX_BODY,
        (job, word) -> { });
  }

  /**
   * {@code unknownWord} hears each status word {@code protocol} does not declare, once per word
   * (the first {@value #MAX_REPORTED_WORDS} words).
   */
  StatusApi(URI server, Transport transport, Clock clock, ProtocolSpec protocol,
      Credentials credentials, int maxBody, BiConsumer<String, String> unknownWord) {
    String s = server.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    this.server = server;
    this.base = s;
    this.transport = transport;
    this.clock = clock;
    this.protocol = protocol;
    this.credentials = credentials;
    this.origin = protocol.template().origin(s);
    this.maxBody = maxBody;
    this.unknownWord = unknownWord;
  }

  /**
   * {@code jobId}'s status URI.
   *
   * @throws IllegalArgumentException for an id the protocol refuses
   */
  URI statusUri(String jobId) {
    return protocol.statusUri(server, jobId);
  }

  ProtocolSpec protocol() {
    return protocol;
  }

  /**
   * The credentials for a request to {@code uri}: only to the status template's origin, so
   * neither an absolute template elsewhere nor anything a server says sends them astray (and
   * the transport follows no redirect).
   */
  private Map<String, String> credentialsFor(URI uri) {
    if (credentials.isEmpty() || !origin.equals(UrlTemplate.origin(uri))) {
      return Map.of();
    }
    return credentials.values();
  }

  /** The original protocol's one job: {@code GET /status} without an id. */
  URI defaultStatusUri() {
    return URI.create(base + "/status");
  }

  /**
   * A {@code GET /status} answer and the server's {@code Retry-After}, if it sent one; its
   * {@code ETag}; whether it was a {@code 304} (then {@code answer} is the one the validator
   * came with); whether the server held the read ({@code Preference-Applied: wait=N}).
   */
  record Polled(StatusAnswer answer, Optional<Duration> retryAfter, Optional<String> etag,
      boolean unchanged, boolean held) {
    Polled(StatusAnswer answer, Optional<Duration> retryAfter) {
      this(answer, retryAfter, Optional.empty(), false, false);
    }

    /** What a later read of the same job sends as {@code If-None-Match}, if anything. */
    Optional<Validator> validator() {
      return etag.map(e -> new Validator(e, answer));
    }
  }

  /** An {@code ETag} and the answer it came with, which a {@code 304} stands for. */
  record Validator(String etag, StatusAnswer answer) {}

  /**
   * How a status read is asked: its validator, if any, and how long the server may hold it;
   * {@code held}: the server has held reads before, so this one is sent as a held call (no
   * transport thread while it waits).
   */
  record Read(Optional<Validator> since, long waitSeconds, boolean held) {
    static final Read PLAIN = new Read(Optional.empty(), 0);

    Read(Optional<Validator> since, long waitSeconds) {
      this(since, waitSeconds, false);
    }
  }

  /** A failure worth retrying (network trouble, 408, 429, 5xx), with the server's wish. */
  static final class Retryable extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Optional<Duration> retryAfter;
    private final int status;

    Retryable(String message, Optional<Duration> retryAfter, int status) {
      super(message);
      this.retryAfter = retryAfter;
      this.status = status;
    }

    Optional<Duration> retryAfter() {
      return retryAfter == null ? Optional.empty() : retryAfter;
    }

    /** The HTTP status it answered. */
    int status() {
      return status;
    }
  }

  /**
   * Polls {@code statusUri}. Completes with the answer; or exceptionally with {@link
   * JobNotFoundException} (404), {@link ProtocolException} (an answer we cannot use, including
   * one too large or not UTF-8: asking again will not help), or another {@link IOException}
   * worth retrying ({@link Retryable} carries {@code Retry-After}).
   */
  CompletableFuture<Polled> poll(String jobId, URI statusUri, Duration timeout) {
    return poll(jobId, statusUri, timeout, Read.PLAIN);
  }

  /**
   * As {@link #poll(String, URI, Duration)}, asked as {@code read} says: with {@code
   * If-None-Match} (a {@code 304} then completes with the validator's answer, marked unchanged;
   * a {@code 304} to a read without one is a {@link ProtocolException}), and with {@code
   * Prefer: wait=N} when its wait is positive.
   */
  CompletableFuture<Polled> poll(String jobId, URI statusUri, Duration timeout, Read read) {
    CompletableFuture<Polled> first = pollOnce(jobId, statusUri, timeout, read);
    if (!credentials.rotating()) {
      return first;
    }
    // A supplier's value may have rotated between reading it and the server checking it: one
    // more request with a fresh value before a refusal ends the watch.
    CompletableFuture<Polled> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<Polled>> inFlight = new AtomicReference<>(first);
    first.whenComplete((p, e) -> {
      if (cause(e) instanceof CredentialsRefusedException && !result.isDone()) {
        CompletableFuture<Polled> second = pollOnce(jobId, statusUri, timeout, read);
        inFlight.set(second);
        second.whenComplete((p2, e2) -> settle(result, p2, e2));
        if (result.isCancelled()) {
          second.cancel(true);
        }
      } else {
        settle(result, p, e);
      }
    });
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        inFlight.get().cancel(true);
      }
    });
    return result;
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static <T> void settle(CompletableFuture<T> f, T value, Throwable e) {
    if (e != null) {
      f.completeExceptionally(cause(e));
    } else {
      f.complete(value);
    }
  }

  private CompletableFuture<Polled> pollOnce(String jobId, URI statusUri, Duration timeout,
      Read read) {
    Transport.Call call;
    try {
      Map<String, String> headers = credentialsFor(statusUri);
      if (read.since().isPresent() || read.waitSeconds() > 0) {
        Map<String, String> h = new HashMap<>(headers);
        read.since().ifPresent(v -> h.put("If-None-Match", v.etag()));
        if (read.waitSeconds() > 0) {
          h.put("Prefer", "wait=" + read.waitSeconds());
        }
        headers = h;
      }
      Transport.Call get = Transport.Call.get(statusUri, timeout, headers);
      call = read.held() && read.waitSeconds() > 0 ? get.asHeld() : get;
    } catch (IllegalArgumentException e) {
      // A supplier gave a value no request can carry; the message names the header only.
      return CompletableFuture.failedFuture(new ProtocolException(
          "cannot send " + protocol.name() + " status request: " + e.getMessage()));
    } catch (RuntimeException e) {
      // A user's supplier threw: the watch fails now rather than leaving its request permit
      // held. Its message is not quoted: it may hold what the supplier was reading.
      return CompletableFuture.failedFuture(new ProtocolException("cannot send "
          + protocol.name() + " status request: a header's value supplier threw "
          + e.getClass().getName()));
    }
    CompletableFuture<Transport.Reply> sent = transport.send(call);
    return cancelsUpstream(sent, sent.thenApply(reply -> {
      try {
        return interpret(jobId, call, reply, read);
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }));
  }

  /**
   * {@code derived}, made to abort {@code sent} when it is cancelled: a dependent stage does
   * not pass cancellation up by itself, and a watch that ends must free its connection.
   */
  private static <T> CompletableFuture<T> cancelsUpstream(CompletableFuture<?> sent,
      CompletableFuture<T> derived) {
    derived.whenComplete((r, e) -> {
      if (derived.isCancelled()) {
        sent.cancel(true);
      }
    });
    return derived;
  }

  private Polled interpret(String jobId, Transport.Call call, Transport.Reply reply, Read read)
      throws IOException {
    int code = reply.status();
    Optional<Duration> retryAfter = retryAfter(reply.header("Retry-After"), clock);
    Optional<String> etag = reply.header("ETag").filter(StatusApi::usableEtag);
    boolean held = read.waitSeconds() > 0
        && Protocol.waitPreference(reply.header("Preference-Applied").orElse(null)).isPresent();
    if (code == 200) {
      String what = call.describe() + " answer";
      StatusAnswer a = protocol.read(StatusAnswer.utf8(reply.body(), what), what, maxBody,
          credentials::redact);
      if (a.unknownWord().isPresent()) {
        reportUnknown(jobId, a.unknownWord().get());
      }
      return new Polled(a, retryAfter, etag, false, held);
    }
    if (code == 304) {
      if (read.since().isEmpty()) {
        // Nothing was cached, so nothing can be "not modified": waiting on would never end.
        throw new ProtocolException(call.describe() + " answered 304 Not Modified to a read"
            + " that sent no If-None-Match");
      }
      Validator v = read.since().get();
      return new Polled(v.answer(), retryAfter, Optional.of(etag.orElse(v.etag())), true, held);
    }
    String excerpt = quote(reply.body());
    String said = call.describe() + " answered " + code + ": " + excerpt;
    if (code == 404) {
      throw new JobNotFoundException(jobId, said);
    }
    if (code == 401 || code == 403) {
      throw new CredentialsRefusedException(said + (credentials.isEmpty()
          ? " (the client sends no credentials: see StatusClient.Builder.header)"
          : " (credentials refused; not retried)"), code, excerpt);
    }
    if (code == 408 || code == 429 || code >= 500) {
      throw new Retryable(said, retryAfter, code);
    }
    throw new ProtocolException(said);
  }

  /**
   * Registers {@code url} with {@code secret}. Completes with the keys to verify deliveries with:
   * the key material the server answered (its {@code secret}, a {@code whpk_} {@code public_key}
   * when it signs {@code v1a}), or, when it answered none, our secret. Fails with a {@link
   * ProtocolException} on a non-2xx.
   */
  CompletableFuture<List<String>> register(URI url, String secret, Duration timeout) {
    byte[] body = Json.obj().put("url", url.toString()).put("secret", secret).toString()
        .getBytes(StandardCharsets.UTF_8);
    URI target = URI.create(base + "/register-webhook");
    Transport.Call call = Transport.Call.postJson(target, body, credentialsFor(target), timeout);
    CompletableFuture<Transport.Reply> sent = transport.send(call);
    return cancelsUpstream(sent, sent.thenApply(reply -> {
      if (reply.status() / 100 != 2) {
        throw new CompletionException(new ProtocolException(
            call.describe() + " answered " + reply.status() + ": " + quote(reply.body())));
      }
      List<String> keys = new ArrayList<>(2);
      try {
        Map<String, Object> answer =
            Json.parseObject(StatusAnswer.utf8(reply.body(), "registration answer"));
        Optional<String> s = Json.string(answer, "secret");
        if (s.isPresent() && Signatures.isValidSecret(s.get())) {
          keys.add(s.get());
        }
        Optional<String> pk = Json.string(answer, "public_key");
        if (pk.isPresent() && pk.get().startsWith(Ed25519.PUBLIC_PREFIX)) {
          KeyRing.requireVerifyingKey(pk.get());
          keys.add(pk.get());
        }
      } catch (JsonException | ProtocolException | IllegalArgumentException e) {
        // The original server answers without a JSON body: our secret stands. So it does when
        // an answer's keys are unusable: deliveries signed with them fail, polling carries on.
        keys.clear();
      }
      return keys.isEmpty() ? List.of(secret) : List.copyOf(keys);
    }));
  }

  /**
   * Creates a job with {@code POST /jobs}, retrying transient failures with the same {@code
   * Idempotency-Key} so a retry never creates a second job. Blocks the caller.
   */
  String submit(Optional<Duration> duration, Optional<JobStatus> outcome, Duration timeout)
      throws IOException, InterruptedException {
    Json.ObjectBuilder b = Json.obj();
    duration.ifPresent(d -> b.put("duration_ms", d.toMillis()));
    outcome.ifPresent(o -> b.put("outcome", o.wireName()));
    URI target = URI.create(base + "/jobs");
    Map<String, String> headers = new HashMap<>(credentialsFor(target));
    headers.put("Idempotency-Key", UUID.randomUUID().toString());
    Transport.Call call = Transport.Call.postJson(target,
        b.toString().getBytes(StandardCharsets.UTF_8), headers, timeout);
    IOException last = null;
    for (int attempt = 0; attempt < SUBMIT_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        TimeUnit.MILLISECONDS.sleep(100L << attempt);
      }
      Transport.Reply reply;
      CompletableFuture<Transport.Reply> f = transport.send(call);
      try {
        reply = f.get();
      } catch (InterruptedException e) {
        f.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof ProtocolException) {
          throw (ProtocolException) c;
        }
        if (c instanceof IOException) {
          last = (IOException) c;
          continue;
        }
        throw new IOException(call.describe() + " failed: " + c, c);
      }
      int code = reply.status();
      String said = call.describe() + " answered " + code + ": " + quote(reply.body());
      if (code == 408 || code == 429 || code >= 500) {
        last = new IOException(said);
        continue;
      }
      if (code / 100 != 2) {
        throw new ProtocolException(said
            + (code == 404 || code == 405 ? " (does this server support creating jobs?)" : ""));
      }
      Optional<String> id;
      try {
        id = Json.string(Json.parseObject(StatusAnswer.utf8(reply.body(), "POST /jobs answer")), Protocol.JOB);
      } catch (JsonException e) {
        throw new ProtocolException("POST /jobs answer is not usable (" + e.getMessage() + "): "
            + quote(reply.body()));
      }
      if (id.isEmpty() || !Protocol.isJobId(id.get())) {
        throw new ProtocolException("POST /jobs answer has no valid \"job\": " + quote(reply.body()));
      }
      return id.get();
    }
    throw new IOException("cannot create a job at " + base + ": " + last.getMessage(), last);
  }

  /**
   * An {@code ETag} we can send back: short, and only visible ASCII (a header value must not
   * carry line breaks or control characters, and the transport refuses what it cannot send).
   */
  static boolean usableEtag(String tag) {
    return !tag.isEmpty() && tag.length() <= 256
        && tag.chars().allMatch(c -> c > 0x20 && c < 0x7f || c == ' ');
  }

  /** A {@code Retry-After} header (seconds or an HTTP date) as a delay, capped at an hour. */
  static Optional<Duration> retryAfter(Optional<String> header, Clock clock) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String v = header.get().trim();
    Duration d;
    if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      d = v.length() > 7 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(v));
    } else {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        d = Duration.between(clock.instant(), at);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
      if (d.isNegative()) {
        d = Duration.ZERO;
      }
    }
    return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
  }

  private void reportUnknown(String jobId, String word) {
    if (reportedWords.size() < MAX_REPORTED_WORDS && reportedWords.add(word)) {
      unknownWord.accept(jobId, word);
    }
  }

  /** {@link #excerpt(byte[])} with the credentials redacted. */
  private String quote(byte[] body) {
    if (body.length == 0 || credentials.isEmpty()) {
      return excerpt(body);
    }
    return StatusAnswer.excerpt(credentials.redact(new String(body, StandardCharsets.UTF_8)));
  }

  /** At most 200 characters of a body, control characters blanked, for error messages. */
  static String excerpt(byte[] body) {
    if (body.length == 0) {
      return "(no body)";
    }
    return StatusAnswer.excerpt(new String(body, 0, Math.min(body.length, 800), StandardCharsets.UTF_8));
  }
}
