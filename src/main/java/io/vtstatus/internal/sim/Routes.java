package io.vtstatus.internal.sim;

import com.sun.net.httpserver.Headers;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.internal.webhook.Signatures;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The simulator's HTTP routes ({@code docs/PROTOCOL.md}): what each request means and what it is
 * answered. Every refusal is a {@link BadRequest} with its status; nothing here does I/O.
 */
final class Routes {
  private final Config cfg;
  private final Rand rand;
  private final Jobs jobs;
  private final Webhooks webhooks;
  /** The account's webhook secret, for webhooks registered on create. */
  private final String accountSecret = Signatures.newSecret();
  private final Deliveries deliveries;
  private final Consumer<String> log;

  Routes(Config cfg, Rand rand, Jobs jobs, Webhooks webhooks, Deliveries deliveries,
      Consumer<String> log) {
    this.cfg = cfg;
    this.rand = rand;
    this.jobs = jobs;
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.log = log;
  }

  /** The answer to one request, its body already decoded as strict UTF-8. */
  Response route(String method, String path, String query, Headers headers, String body)
      throws BadRequest {
    if (cfg.standIn().isPresent()) {
      Optional<String> id = cfg.standIn().get().jobIdOf(path);
      if (id.isPresent()) {
        try {
          requireMethod(method, "GET");
          requireKey(headers);
          return standInStatus(id.get(), headers);
        } catch (BadRequest e) {
          Response r = cfg.standIn().get().error(e.code, e.getMessage());
          return e.header == null ? r : r.with(e.header, e.value);
        }
      }
    }
    if (cfg.standIn().isPresent() && path.equals("/v1/webhooks/default/secret")
        && cfg.standIn().get().name().equals("replicate")) {
      // Replicate's account-wide signing secret, for the per-prediction webhooks of POST /jobs.
      requireMethod(method, "GET");
      requireKey(headers);
      return Response.json(200, Json.obj().put("key", accountSecret).toString());
    }
    switch (path) {
      case "/status":
        requireMethod(method, "GET");
        requireKey(headers);
        return getStatus(query, headers);
      case "/jobs":
        requireMethod(method, "POST");
        requireKey(headers);
        return createJob(body, headers.getFirst("Idempotency-Key"));
      case "/register-webhook":
        requireMethod(method, "POST");
        return register(body);
      case "/health":
        requireMethod(method, "GET");
        return Response.json(200, "{\"ok\":\"true\"}");
      default:
        if (path.startsWith("/webhooks/") && path.endsWith("/rotate")
            && path.length() >= "/webhooks//rotate".length()) {
          requireMethod(method, "POST");
          return rotate(path.substring("/webhooks/".length(), path.length() - "/rotate".length()));
        }
        if (path.startsWith("/webhooks/") && path.length() > "/webhooks/".length()) {
          requireMethod(method, "DELETE");
          return deleteWebhook(path.substring("/webhooks/".length()));
        }
        throw new BadRequest(404, "not found: " + path);
    }
  }

  private static void requireMethod(String method, String allowed) throws BadRequest {
    if (!method.equals(allowed)) {
      throw new BadRequest(405, "method " + method + " not allowed; use " + allowed, "Allow", allowed);
    }
  }

  /**
   * With {@code --api-key}, the header the API wants ({@code Authorization: Bearer KEY} for
   * vtstatus and Replicate, {@code X-Api-Key: KEY} for HeyGen...), or 401. The answer never
   * quotes what was sent.
   */
  private void requireKey(Headers headers) throws BadRequest {
    if (cfg.apiKey().isEmpty()) {
      return;
    }
    String key = cfg.apiKey().get();
    boolean ok = cfg.standIn().isPresent() ? cfg.standIn().get().authorized(headers, key)
        : java.security.MessageDigest.isEqual(
            String.valueOf(headers.getFirst("Authorization")).getBytes(StandardCharsets.UTF_8),
            ("Bearer " + key).getBytes(StandardCharsets.UTF_8));
    if (!ok) {
      throw new BadRequest(401, "missing or wrong "
          + cfg.standIn().map(StandIn::authHeader).orElse("Authorization") + " header");
    }
  }

  /** {@code GET} of a stand-in's status path: as {@code /status?job=ID}, in the API's shape. */
  private Response standInStatus(String id, Headers headers) throws BadRequest {
    if (!Protocol.isJobId(id)) {
      throw new BadRequest(404, "unknown job");
    }
    return answerStatus(jobs.get(id).orElseThrow(() -> new BadRequest(404, "unknown job: " + id)),
        headers);
  }

  private static String jobId(String id) throws BadRequest {
    if (!Protocol.isJobId(id)) {
      throw new BadRequest(400, "invalid job id (want " + Protocol.JOB_ID_RULE + "): "
          + (id.length() > 140 ? id.substring(0, 140) + "..." : id));
    }
    return id;
  }

  /**
   * The job parameters of a {@code /status} query. The common {@code job=ID} with nothing to
   * decode skips {@link #params}' maps and decoder; anything else takes the general path, so the
   * answer is the same either way.
   */
  private static List<String> jobParams(String rawQuery) throws BadRequest {
    if (rawQuery.startsWith("job=") && rawQuery.indexOf('&') < 0 && rawQuery.indexOf('%') < 0
        && rawQuery.indexOf('+') < 0) {
      return List.of(rawQuery.substring(4));
    }
    return params(rawQuery).getOrDefault("job", List.of());
  }

  private static Map<String, List<String>> params(String rawQuery) throws BadRequest {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (rawQuery.isEmpty()) {
      return m;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      } catch (IllegalArgumentException e) {
        throw new BadRequest(400, "malformed query string");
      }
    }
    return m;
  }

  private Response getStatus(String query, Headers headers) throws BadRequest {
    List<String> ids = jobParams(query);
    if (ids.size() > 1) {
      throw new BadRequest(400, "more than one job parameter");
    }
    Job job;
    if (ids.isEmpty()) {
      try {
        job = jobs.defaultJob();
      } catch (JobStore.FullException e) {
        throw BadRequest.full(e);
      }
    } else {
      String id = jobId(ids.get(0));
      job = jobs.get(id).orElseThrow(() -> new BadRequest(404,
          "unknown job: " + id + " (ended jobs are kept for " + flag(cfg.retain())
              + ", at most " + cfg.maxJobs() + " jobs in all)"));
    }
    return answerStatus(job, headers);
  }

  /**
   * A status read: {@code 304} when {@code If-None-Match} names the answer's {@code ETag}; with
   * {@code Prefer: wait=N} (capped by {@code --max-wait}) and the job pending, held until the
   * job ends or the wait is over, and then answered with the job as it is at that moment.
   */
  private Response answerStatus(Job job, Headers headers) {
    job.countStatusRequest();
    if (cfg.failRate() > 0 && rand.chance(cfg.failRate())) {
      return error(503, "simulated failure (--fail-rate)").with("Retry-After", "1");
    }
    if (cfg.throttleRate() > 0 && rand.chance(cfg.throttleRate())) {
      return error(429, "simulated throttling").with("Retry-After", "1");
    }
    String ifNoneMatch = headers.getFirst("If-None-Match");
    long wait = Math.min(cfg.maxWait().toSeconds(),
        Protocol.waitPreference(headers.getFirst("Prefer")).orElse(0));
    if (wait <= 0) {
      return conditional(job, ifNoneMatch);
    }
    String applied = "wait=" + wait;
    if (jobs.current(job).status().isTerminal()) {
      return conditional(job, ifNoneMatch).with("Preference-Applied", applied);
    }
    return Response.held(job, TimeUnit.SECONDS.toNanos(wait),
        () -> conditional(job, ifNoneMatch).with("Preference-Applied", applied));
  }

  /** The job's status answer, or {@code 304} (its validator and hints only) if unchanged. */
  private Response conditional(Job job, String ifNoneMatch) {
    Response full = statusResponse(200, job);
    String etag = full.headers().get("ETag");
    if (ifNoneMatch == null || etag == null || !matches(ifNoneMatch, etag)) {
      return full;
    }
    Response r = Response.empty(304).with("ETag", etag);
    String retryAfter = full.headers().get("Retry-After");
    return retryAfter == null ? r : r.with("Retry-After", retryAfter);
  }

  /**
   * Whether an {@code If-None-Match} list names {@code etag}: {@code *}, or any entry equal to
   * it by the weak comparison RFC 9110 prescribes for it ({@code W/} ignored on both sides).
   */
  static boolean matches(String ifNoneMatch, String etag) {
    String want = opaque(etag);
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.equals("*") || opaque(t).equals(want)) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  /**
   * The validator of a status answer in state {@code s}: it changes whenever the state does.
   * Weak when the body also carries what changes between reads of one state (hints, a stand-in's
   * progress).
   */
  static String etag(Job.State s, boolean weak) {
    Instant t = s.updatedAt();
    return (weak ? "W/\"" : "\"") + s.status().wireName().charAt(0)
        + Long.toHexString(t.getEpochSecond()) + "." + Integer.toHexString(t.getNano()) + "\"";
  }

  /** An error answer, in the shape of the API the simulator stands in for. */
  private Response error(int code, String message) {
    return cfg.standIn().isPresent() ? cfg.standIn().get().error(code, message)
        : Response.error(code, message);
  }

  private Response statusResponse(int code, Job job) {
    long now = System.nanoTime();
    Job.State s = jobs.current(job);
    boolean hinted = cfg.hints() && !s.status().isTerminal();
    if (cfg.standIn().isPresent()) {
      long total = job.dueNanos - job.startNanos;
      double done = total <= 0 ? 1 : (double) (now - job.startNanos) / total;
      return Response.json(code, cfg.standIn().get().body(job.id, s.status(), done))
          .with("ETag", etag(s, true));
    }
    if (!hinted) {
      // Without hints the body depends on the state alone, so it is built once per state rather
      // than formatted (timestamp, JSON, UTF-8) on every poll.
      Job.Rendered cached = job.rendered;
      if (cached == null || cached.state() != s) {
        cached = new Job.Rendered(s, Protocol.statusBody(job.id, s.status(), s.updatedAt())
            .toString()
            .getBytes(StandardCharsets.UTF_8), etag(s, false));
        job.rendered = cached;
      }
      return new Response(code, cached.body(), Map.of("ETag", cached.etag()));
    }
    Json.ObjectBuilder b = Protocol.statusBody(job.id, s.status(), s.updatedAt());
    long total = job.dueNanos - job.startNanos;
    long left = Math.max(0, job.dueNanos - now);
    int progress = total <= 0 ? 99 : (int) Math.min(99, Math.max(0, (total - left) * 100 / total));
    long etaMs = (left + 999_999) / 1_000_000;
    long retryAfter = Math.max(1, (left + 999_999_999) / 1_000_000_000);
    b.put(Protocol.PROGRESS, progress).put(Protocol.ETA_MS, etaMs);
    return Response.json(code, b.toString()).with("Retry-After", Long.toString(retryAfter))
        .with("ETag", etag(s, true));
  }

  private Response createJob(String body, String idempotencyKey) throws BadRequest {
    Duration duration = null;
    JobStatus outcome = null;
    URI webhook = null;
    if (!body.isBlank()) {
      Map<String, Object> o = parseObject(body);
      try {
        Optional<String> hook = Json.string(o, "webhook");
        if (hook.isPresent()) {
          webhook = webhookUrl(hook.get());
        }
        Optional<Long> ms = Json.integer(o, "duration_ms");
        if (ms.isPresent()) {
          if (ms.get() < 0 || ms.get() > DurationSamplers.MAX.toMillis()) {
            throw new BadRequest(400, "duration_ms must be between 0 and "
                + DurationSamplers.MAX.toMillis());
          }
          duration = Duration.ofMillis(ms.get());
        }
        Optional<String> out = Json.string(o, "outcome");
        if (out.isPresent()) {
          if (out.get().equals("completed")) {
            outcome = JobStatus.COMPLETED;
          } else if (out.get().equals("error")) {
            outcome = JobStatus.ERROR;
          } else {
            throw new BadRequest(400, "outcome must be \"completed\" or \"error\"");
          }
        }
      } catch (JsonException e) {
        throw new BadRequest(400, e.getMessage());
      }
    }
    Duration d = duration != null ? duration : jobs.randomDuration();
    JobStatus out = outcome != null ? outcome : jobs.randomOutcome();
    if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 255)) {
      throw new BadRequest(400, "Idempotency-Key must be 1 to 255 characters");
    }
    Job job;
    try {
      job = idempotencyKey == null ? jobs.create(d, out) : jobs.create(idempotencyKey, d, out);
    } catch (JobStore.FullException e) {
      throw BadRequest.full(e);
    }
    if (webhook != null) {
      // Per job, as Replicate, AssemblyAI and HeyGen take a webhook URL on create, signed (where
      // the API signs) with the account's secret.
      try {
        replayIfEnded(webhooks.register(webhook, Optional.of(job.id), Optional.of(accountSecret)),
            job.id);
      } catch (Webhooks.FullException e) {
        throw new BadRequest(429, e.getMessage());
      }
    }
    return statusResponse(201, job).with("Location", cfg.standIn()
        .map(si -> si.statusPath(job.id)).orElse("/status?job=" + job.id));
  }

  private static Map<String, Object> parseObject(String body) throws BadRequest {
    try {
      return Json.parseObject(body);
    } catch (JsonException e) {
      throw new BadRequest(400, "malformed JSON: " + e.getMessage());
    }
  }

  private Response register(String body) throws BadRequest {
    Map<String, Object> o = parseObject(body);
    URI url;
    Optional<String> job;
    Optional<String> secret;
    try {
      String u = Json.string(o, "url").orElseThrow(() -> new BadRequest(400, "missing \"url\""));
      url = webhookUrl(u);
      job = Json.string(o, "job");
      secret = Json.string(o, "secret");
    } catch (JsonException e) {
      throw new BadRequest(400, e.getMessage());
    }
    if (job.isPresent()) {
      jobId(job.get());
    }
    if (secret.isPresent() && !Signatures.isValidSecret(secret.get())) {
      throw new BadRequest(400, "secret must be whsec_ followed by at least 16 bytes in base64");
    }
    Webhooks.Registered reg;
    try {
      reg = webhooks.register(url, job, secret);
    } catch (Webhooks.FullException e) {
      throw new BadRequest(429, e.getMessage());
    }
    if (job.isPresent()) {
      replayIfEnded(reg, job.get());
    }
    // 200, not 201: the original Go client accepts exactly 200 here (and ignores the body).
    // The answer carries what the receiver verifies with: never a whsk_ secret key.
    Json.ObjectBuilder answer = Json.obj().put("webhook", reg.registration().id);
    reg.registration().keys().addTo(answer);
    return Response.json(200, answer.toString());
  }

  private Response rotate(String id) throws BadRequest {
    Webhooks.Registration r = webhooks.get(id)
        .orElseThrow(() -> new BadRequest(404, "unknown webhook: " + id));
    SigningKeys keys = r.rotate(cfg.signing(), cfg.clock().instant(), cfg.rotationOverlap());
    Json.ObjectBuilder answer = Json.obj().put("webhook", r.id);
    keys.addTo(answer);
    keys.previousUntil().ifPresent(t -> answer.put("previous_keys_until", Protocol.timestamp(t)));
    log.accept("webhook " + id + " keys rotated; previous keys sign "
        + keys.previousUntil().map(t -> "until " + Protocol.timestamp(t)).orElse("no more"));
    return Response.json(200, answer.toString());
  }

  /** A job that ended before its webhook was registered still gets its event once. */
  private void replayIfEnded(Webhooks.Registered reg, String jobId) {
    Optional<Job> j = jobs.get(jobId);
    if (reg.created() && j.isPresent()) {
      Job.State s = jobs.current(j.get());
      if (s.status().isTerminal()) {
        deliveries.replay(reg.registration(), j.get().id, s);
      }
    }
  }

  private static URI webhookUrl(String u) throws BadRequest {
    if (u.length() > 2048) {
      throw new BadRequest(400, "url longer than 2048 characters");
    }
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw new BadRequest(400, "url is not a valid URI: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new BadRequest(400, "url must be http:// or https://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new BadRequest(400, "url has no host");
    }
    return uri;
  }

  private Response deleteWebhook(String id) throws BadRequest {
    Webhooks.Registration r = webhooks.unregister(id)
        .orElseThrow(() -> new BadRequest(404, "unknown webhook: " + id));
    deliveries.unregistered(r);
    log.accept("webhook " + id + " deleted");
    return Response.empty(204);
  }

  /** A duration as a user writes it on the command line: {@code 1h}, {@code 90s}, {@code 250ms}. */
  static String flag(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
