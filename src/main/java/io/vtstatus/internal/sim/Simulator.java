package io.vtstatus.internal.sim;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.internal.util.Durations;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.RecordedRequest;
import io.vtstatus.simulator.WebhookDelivery;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The simulator's engine: jobs, the HTTP protocol and the threads behind them. {@code
 * io.vtstatus.simulator.SimulatorServer} is its public face.
 *
 * <p>Threads: a fixed pool of {@value #HTTP_THREADS} answers requests; one scheduler thread
 * finishes jobs on time, delays responses ({@code latency}) and waits between webhook attempts;
 * the webhook client has its own pool. {@code /status} takes no lock.
 */
public final class Simulator {
  // Measured on 2 cores (bench/http.sh): running exchanges on the server's dispatcher thread
  // itself timed out connections at 500 clients, and 1, 2 or 8 threads were no faster than 4.
  static final int HTTP_THREADS = 4;
  static final int MAX_BODY = 64 * 1024;
  static final int MAX_IDEMPOTENCY_KEYS = 10_000;
  static final long MAX_DRAIN = 1 << 20;
  static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  static final String DEFAULT_JOB = "default";
  private static final System.Logger LOGGER = System.getLogger(Simulator.class.getName());
  private static final DateTimeFormatter RFC3339_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final Config cfg;
  private final Rand rand;
  private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService httpExecutor;
  private final HttpServer server;
  private final Webhooks webhooks;
  private final Recorder<RecordedRequest> requests = new Recorder<>(10_000);
  private final AtomicLong requestCount = new AtomicLong();
  private final Map<String, String> idempotencyKeys =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_IDEMPOTENCY_KEYS;
        }
      };
  private volatile boolean closed;

  private Simulator(Config cfg) throws IOException {
    this.cfg = cfg;
    this.rand = new Rand(cfg.seed());
    this.scheduler = new ScheduledThreadPoolExecutor(1, Threads.daemon("vtstatus-sim-scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.httpExecutor = Executors.newFixedThreadPool(HTTP_THREADS, Threads.daemon("vtstatus-sim-http"));
    this.webhooks = new Webhooks(cfg, rand, scheduler, this::log);
    try {
      this.server = HttpServers.create(new InetSocketAddress(cfg.host(), cfg.port()), httpExecutor);
    } catch (IOException | RuntimeException e) {
      shutdownThreads();
      throw e;
    }
    server.createContext("/", this::handle);
    server.start();
  }

  /** Binds and starts a simulator. */
  public static Simulator start(Config cfg) throws IOException {
    return new Simulator(cfg);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The configured bind address. */
  public String host() {
    return cfg.host();
  }

  static String timestamp(Instant t) {
    return RFC3339_MICROS.format(t);
  }

  private void log(String line) {
    cfg.log().ifPresent(out -> out.println(timestamp(cfg.clock().instant()) + " " + line));
  }

  // ---- jobs ----

  /** Creates and starts a job; {@code outcome} must be terminal. */
  public String submit(Duration duration, JobStatus outcome) {
    checkOpen();
    Job job;
    do {
      job = new Job(rand.id("job_"), outcome, System.nanoTime(), duration.toNanos(),
          cfg.clock().instant());
    } while (jobs.putIfAbsent(job.id, job) != null);
    started(job, duration);
    return job.id;
  }

  /** Creates and starts a job with the configured delay and error rate. */
  public String submit() {
    return submit(rand.sample(cfg.delay()), randomOutcome());
  }

  private JobStatus randomOutcome() {
    return rand.chance(cfg.errorRate()) ? JobStatus.ERROR : JobStatus.COMPLETED;
  }

  private void started(Job job, Duration duration) {
    log("job " + job.id + " pending, due in " + Durations.format(duration) + " as "
        + job.outcome.wireName());
    Job j = job;
    try {
      job.timer = scheduler.schedule(() -> finish(j, j.outcome, false), duration.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // Closing: /status would still finish the job lazily, but nobody can ask any more.
    }
  }

  private Job defaultJob() {
    Job existing = jobs.get(DEFAULT_JOB);
    if (existing != null) {
      return existing;
    }
    // Sampled outside computeIfAbsent: the map's bin lock must not wrap user code.
    Duration d = rand.sample(cfg.delay());
    JobStatus outcome = randomOutcome();
    Job fresh = new Job(DEFAULT_JOB, outcome, System.nanoTime(), d.toNanos(), cfg.clock().instant());
    Job prior = jobs.putIfAbsent(DEFAULT_JOB, fresh);
    if (prior != null) {
      return prior;
    }
    started(fresh, d);
    return fresh;
  }

  /**
   * Ends a job with {@code outcome} unless it has ended already. Exactly one caller wins the
   * compare-and-set; the winner hands the webhooks to the scheduler thread.
   */
  private boolean finish(Job job, JobStatus outcome, boolean byHand) {
    Job.State cur = job.state.get();
    if (cur.status().isTerminal()) {
      return false;
    }
    Job.State next = new Job.State(outcome, cfg.clock().instant());
    if (!job.state.compareAndSet(cur, next)) {
      return false;
    }
    if (byHand && job.timer != null) {
      job.timer.cancel(false);
    }
    log("job " + job.id + " " + outcome.wireName() + (byHand ? " (by hand)" : "") + " after "
        + Durations.format(Duration.ofNanos(System.nanoTime() - job.startNanos)));
    try {
      scheduler.execute(() -> webhooks.jobFinished(job.id, next));
    } catch (RejectedExecutionException closing) {
      // Closing: no more deliveries.
    }
    return true;
  }

  /** The job's state now; a job past its due time is finished here, so it is never stale. */
  private Job.State current(Job job) {
    Job.State s = job.state.get();
    if (!s.status().isTerminal() && job.isDue(System.nanoTime())) {
      finish(job, job.outcome, false);
      s = job.state.get();
    }
    return s;
  }

  /** Ends job {@code id} now; false if it had ended already. */
  public boolean complete(String id, JobStatus outcome) {
    checkOpen();
    Job job = jobs.get(id);
    if (job == null) {
      throw new IllegalArgumentException("unknown job: " + id);
    }
    return finish(job, outcome, true);
  }

  /** Job {@code id}'s status now, finishing it first if it is due; empty if unknown. */
  public Optional<JobStatus> status(String id) {
    Job job = jobs.get(id);
    return job == null ? Optional.empty() : Optional.of(current(job).status());
  }

  /** {@code GET /status} requests seen for job {@code id}; 0 if unknown. */
  public int statusRequests(String id) {
    Job job = jobs.get(id);
    return job == null ? 0 : job.statusRequests.get();
  }

  /** Every request received. */
  public int jobCount() {
    return jobs.size();
  }

  public int webhookCount() {
    return webhooks.registrations().size();
  }

  public long requestCount() {
    return requestCount.get();
  }

  /** The oldest recorded request not yet taken, waiting up to {@code timeout}. */
  public Optional<RecordedRequest> takeRequest(Duration timeout) throws InterruptedException {
    return requests.take(timeout);
  }

  /** The oldest recorded delivery attempt not yet taken, waiting up to {@code timeout}. */
  public Optional<WebhookDelivery> takeDelivery(Duration timeout) throws InterruptedException {
    return webhooks.take(timeout);
  }

  /** Every delivery attempt so far, including failed and dropped ones. */
  public long deliveryCount() {
    return webhooks.deliveryCount();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("simulator is closed");
    }
  }

  // ---- HTTP ----

  /**
   * A response not yet written: it may be written later, from the scheduler. {@code body} is the
   * UTF-8 JSON, null for an empty response; it is never modified once built, so a cached one may
   * be shared by many responses.
   */
  private record Response(int code, byte[] body, Map<String, String> headers) {
    static Response json(int code, String json) {
      return new Response(code, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response error(int code, String message) {
      return json(code, Json.obj().put("error", message).toString());
    }

    Response with(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Response(code, body, h);
    }
  }

  /** Thrown by request parsing: the client sent something we refuse, with this status. */
  private static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;
    /** The {@code Allow} header of a 405, empty otherwise. */
    final String allow;

    BadRequest(int code, String message) {
      this(code, message, "");
    }

    BadRequest(int code, String message, String allow) {
      super(message, null, false, false);
      this.code = code;
      this.allow = allow;
    }
  }

  private void handle(HttpExchange ex) {
    requestCount.incrementAndGet();
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse("");
    String body = "";
    Response response;
    try {
      byte[] raw = HttpServers.readBytes(ex, MAX_BODY);
      // Recorded as sent (bad bytes shown as U+FFFD), but only valid UTF-8 is routed.
      body = new String(raw, StandardCharsets.UTF_8);
      String text;
      try {
        text = Json.utf8(raw);
      } catch (JsonException e) {
        throw new BadRequest(400, "request body: " + e.getMessage());
      }
      response = route(method, path, query, ex.getRequestHeaders(), text);
    } catch (HttpServers.BodyTooLargeException e) {
      HttpServers.drain(ex, MAX_DRAIN);
      response = Response.error(413, "request body over " + MAX_BODY + " bytes")
          .with("Connection", "close");
    } catch (BadRequest e) {
      response = Response.error(e.code, e.getMessage());
      if (!e.allow.isEmpty()) {
        response = response.with("Allow", e.allow);
      }
    } catch (IOException e) {
      response = Response.error(400, "could not read request: " + e.getMessage());
    } catch (RuntimeException e) {
      // A bug of ours must not become a 500 the client can provoke; it is logged loudly.
      LOGGER.log(System.Logger.Level.WARNING, "simulator failed on " + method + " " + path, e);
      log("internal error on " + method + " " + path + ": " + e);
      response = Response.error(400, "request not understood");
    }
    requests.add(new RecordedRequest(method, path, query, copy(ex.getRequestHeaders()), body));
    respond(ex, response);
  }

  private static Map<String, List<String>> copy(Headers h) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    h.forEach((k, v) -> m.put(k, List.copyOf(v)));
    return m;
  }

  private void respond(HttpExchange ex, Response r) {
    Duration delay = cfg.latencyMax().isZero() ? Duration.ZERO
        : rand.between(cfg.latencyMin(), cfg.latencyMax());
    if (delay.isZero()) {
      write(ex, r);
      return;
    }
    // The scheduler only hands the write back to the pool: it never does I/O itself.
    try {
      scheduler.schedule(() -> {
        try {
          httpExecutor.execute(() -> write(ex, r));
        } catch (RejectedExecutionException closing) {
          ex.close();
        }
      }, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      ex.close();
    }
  }

  private static void write(HttpExchange ex, Response r) {
    try {
      r.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      if (r.body == null) {
        HttpServers.sendEmpty(ex, r.code);
      } else {
        HttpServers.sendJson(ex, r.code, r.body);
      }
    } catch (IOException clientGone) {
      ex.close();
    }
  }

  private Response route(String method, String path, String query, Headers headers, String body)
      throws BadRequest {
    switch (path) {
      case "/status":
        requireMethod(method, "GET");
        return getStatus(query);
      case "/jobs":
        requireMethod(method, "POST");
        return createJob(body, headers.getFirst("Idempotency-Key"));
      case "/register-webhook":
        requireMethod(method, "POST");
        return register(body);
      case "/health":
        requireMethod(method, "GET");
        return Response.json(200, "{\"ok\":\"true\"}");
      default:
        if (path.startsWith("/webhooks/") && path.length() > "/webhooks/".length()) {
          requireMethod(method, "DELETE");
          return deleteWebhook(path.substring("/webhooks/".length()));
        }
        throw new BadRequest(404, "not found: " + path);
    }
  }

  private static void requireMethod(String method, String allowed) throws BadRequest {
    if (!method.equals(allowed)) {
      throw new BadRequest(405, "method " + method + " not allowed; use " + allowed, allowed);
    }
  }

  private static String jobId(String id) throws BadRequest {
    if (!isJobId(id)) {
      throw new BadRequest(400, "invalid job id (want [A-Za-z0-9._-]{1,128}): "
          + (id.length() > 140 ? id.substring(0, 140) + "..." : id));
    }
    return id;
  }

  /**
   * {@link #JOB_ID} checked by hand: {@code /status} asks this on every request, and a matcher per
   * call was a measurable share of the simulator's throughput.
   */
  static boolean isJobId(String id) {
    int n = id.length();
    if (n < 1 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
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

  private Response getStatus(String query) throws BadRequest {
    List<String> ids = jobParams(query);
    if (ids.size() > 1) {
      throw new BadRequest(400, "more than one job parameter");
    }
    Job job;
    if (ids.isEmpty()) {
      job = defaultJob();
    } else {
      String id = jobId(ids.get(0));
      job = jobs.get(id);
      if (job == null) {
        throw new BadRequest(404, "unknown job: " + id);
      }
    }
    job.statusRequests.incrementAndGet();
    if (cfg.failRate() > 0 && rand.chance(cfg.failRate())) {
      return Response.error(503, "simulated failure (--fail-rate)").with("Retry-After", "1");
    }
    if (cfg.throttleRate() > 0 && rand.chance(cfg.throttleRate())) {
      return Response.error(429, "simulated throttling").with("Retry-After", "1");
    }
    return statusResponse(200, job);
  }

  private Response statusResponse(int code, Job job) {
    long now = System.nanoTime();
    Job.State s = current(job);
    boolean hinted = cfg.hints() && !s.status().isTerminal();
    if (!hinted) {
      // Without hints the body depends on the state alone, so it is built once per state rather
      // than formatted (timestamp, JSON, UTF-8) on every poll.
      Job.Rendered cached = job.rendered;
      if (cached == null || cached.state() != s) {
        cached = new Job.Rendered(s, Json.obj()
            .put("job", job.id)
            .put("result", s.status().wireName())
            .put("status", s.status().wireName())
            .put("updated_at", timestamp(s.updatedAt()))
            .toString()
            .getBytes(StandardCharsets.UTF_8));
        job.rendered = cached;
      }
      return new Response(code, cached.body(), Map.of());
    }
    Json.ObjectBuilder b = Json.obj()
        .put("job", job.id)
        .put("result", s.status().wireName())
        .put("status", s.status().wireName())
        .put("updated_at", timestamp(s.updatedAt()));
    long total = job.dueNanos - job.startNanos;
    long left = Math.max(0, job.dueNanos - now);
    int progress = total <= 0 ? 99 : (int) Math.min(99, Math.max(0, (total - left) * 100 / total));
    long etaMs = (left + 999_999) / 1_000_000;
    long retryAfter = Math.max(1, (left + 999_999_999) / 1_000_000_000);
    b.put("progress", progress).put("eta_ms", etaMs);
    return Response.json(code, b.toString()).with("Retry-After", Long.toString(retryAfter));
  }

  private Response createJob(String body, String idempotencyKey) throws BadRequest {
    Duration duration = null;
    JobStatus outcome = null;
    if (!body.isBlank()) {
      Map<String, Object> o = parseObject(body);
      try {
        Optional<Long> ms = Json.integer(o, "duration_ms");
        if (ms.isPresent()) {
          if (ms.get() < 0 || ms.get() > Distributions.MAX.toMillis()) {
            throw new BadRequest(400, "duration_ms must be between 0 and "
                + Distributions.MAX.toMillis());
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
    Duration d = duration != null ? duration : rand.sample(cfg.delay());
    JobStatus out = outcome != null ? outcome : randomOutcome();
    String id;
    if (idempotencyKey != null) {
      if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255) {
        throw new BadRequest(400, "Idempotency-Key must be 1 to 255 characters");
      }
      // Held only while creating a job in memory; /status never takes this lock.
      synchronized (idempotencyKeys) {
        id = idempotencyKeys.get(idempotencyKey);
        if (id == null) {
          id = submit(d, out);
          idempotencyKeys.put(idempotencyKey, id);
        }
      }
    } else {
      id = submit(d, out);
    }
    Job job = jobs.get(id);
    return statusResponse(201, job).with("Location", "/status?job=" + id);
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
    if (secret.isPresent() && !io.vtstatus.internal.webhook.Signatures.isValidSecret(secret.get())) {
      throw new BadRequest(400, "secret must be whsec_ followed by at least 16 bytes in base64");
    }
    Webhooks.Registered reg = webhooks.register(url, job, secret);
    if (reg.created() && job.isPresent()) {
      // A job that ended before its webhook was registered still gets its event once.
      Job j = jobs.get(job.get());
      if (j != null) {
        Job.State s = current(j);
        if (s.status().isTerminal()) {
          webhooks.replay(reg.registration(), j.id, s);
        }
      }
    }
    // 200, not 201: the original Go client accepts exactly 200 here (and ignores the body).
    return Response.json(200, Json.obj()
        .put("webhook", reg.registration().id)
        .put("secret", reg.registration().secret)
        .toString());
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
    if (!webhooks.unregister(id)) {
      throw new BadRequest(404, "unknown webhook: " + id);
    }
    log("webhook " + id + " deleted");
    return new Response(204, null, Map.of());
  }

  // ---- lifecycle ----

  /** Stops serving, cancels timers and deliveries, and waits briefly for our threads to end. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    webhooks.close();
    shutdownThreads();
    boolean interrupted = false;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      httpExecutor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      scheduler.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      webhooks.awaitTermination(deadline - System.nanoTime());
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdownThreads() {
    scheduler.shutdownNow();
    httpExecutor.shutdownNow();
  }
}
