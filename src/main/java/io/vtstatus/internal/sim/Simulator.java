package io.vtstatus.internal.sim;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.internal.util.Durations;
import io.vtstatus.internal.util.ExpiringMap;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's engine: the HTTP protocol and the threads behind it. {@code
 * io.vtstatus.simulator.SimulatorServer} is its public face; jobs live in a {@link JobStore},
 * registrations in {@link Webhooks}, deliveries in {@link Deliveries}.
 *
 * <p>Threads: a fixed pool of {@value #HTTP_THREADS} answers requests; one scheduler thread
 * finishes jobs on time, delays responses ({@code latency}), expires finished jobs and times
 * webhook retries and attempts, handing all work elsewhere; deliveries have their own thread.
 * {@code /status} takes no lock.
 */
public final class Simulator {
  // Measured on 2 cores (bench/http.sh): 1, 2 or 8 threads were no faster than 4. Running
  // exchanges on the server's dispatcher thread itself saves the hand-off, but one client that
  // sends half a request then stops the server for everyone (HttpPool).
  static final int HTTP_THREADS = 4;
  static final int MAX_BODY = 64 * 1024;
  static final int MAX_IDEMPOTENCY_KEYS = 10_000;
  static final long MAX_DRAIN = 1 << 20;
  /** Recorded requests kept, by count and by estimated bytes, whichever bound comes first. */
  static final int MAX_RECORDS = 10_000;
  static final long MAX_RECORD_BYTES = 4L << 20;
  private static final System.Logger LOGGER = System.getLogger(Simulator.class.getName());

  private final Config cfg;
  private final Rand rand;
  private final JobStore jobs;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService httpExecutor;
  private final HttpServer server;
  private final Webhooks webhooks;
  private final Deliveries deliveries;
  private final Recorder<RecordedRequest> requests =
      new Recorder<>(MAX_RECORDS, MAX_RECORD_BYTES, Simulator::size);
  private final AtomicLong requestCount = new AtomicLong();
  /**
   * Idempotency-Key to job id, the newest {@value #MAX_IDEMPOTENCY_KEYS}. A key is kept as long as
   * a job can live (the longest duration plus retention), so it never expires before its job.
   */
  private final ExpiringMap<String, String> idempotencyKeys;
  private volatile boolean closed;

  private Simulator(Config cfg, Deliveries.Limits limits) throws IOException {
    this.cfg = cfg;
    this.rand = new Rand(cfg.seed());
    this.jobs = new JobStore(cfg.maxJobs(), cfg.retain().toNanos());
    this.idempotencyKeys = new ExpiringMap<>(MAX_IDEMPOTENCY_KEYS,
        Distributions.MAX.plus(cfg.retain()).toNanos(), System::nanoTime);
    this.scheduler = new ScheduledThreadPoolExecutor(1, Threads.daemon("vtstatus-sim-scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.httpExecutor = HttpPool.forSimulator(HTTP_THREADS, scheduler);
    this.webhooks = new Webhooks(cfg.maxWebhooks(), cfg.signing(), rand, this::log);
    this.deliveries = new Deliveries(cfg, rand, scheduler, this::log, webhooks, limits);
    // Lookups expire jobs exactly; the sweep only returns the memory of jobs nobody asks about.
    long sweep = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
        Math.min(TimeUnit.SECONDS.toNanos(1), cfg.retain().toNanos() / 4));
    scheduler.scheduleWithFixedDelay(() -> jobs.expire(System.nanoTime()), sweep, sweep,
        TimeUnit.NANOSECONDS);
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
    return new Simulator(cfg, Deliveries.Limits.DEFAULT);
  }

  /** Binds and starts a simulator with other delivery bounds (tests). */
  static Simulator start(Config cfg, Deliveries.Limits limits) throws IOException {
    return new Simulator(cfg, limits);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The configured bind address. */
  public String host() {
    return cfg.host();
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

  private void log(String line) {
    cfg.log().ifPresent(out -> out.println(Protocol.timestamp(cfg.clock().instant()) + " " + line));
  }

  // ---- jobs ----

  /**
   * Creates and starts a job; {@code outcome} must be terminal.
   *
   * @throws IllegalStateException if the store holds {@code maxJobs} jobs, all pending
   */
  public String submit(Duration duration, JobStatus outcome) {
    checkOpen();
    try {
      return create(duration, outcome).id;
    } catch (JobStore.FullException e) {
      throw new IllegalStateException(e.getMessage());
    }
  }

  /** Creates and starts a job with the configured delay and error rate. */
  public String submit() {
    return submit(rand.sample(cfg.delay()), randomOutcome());
  }

  private Job create(Duration duration, JobStatus outcome) throws JobStore.FullException {
    Job job;
    do {
      job = new Job(rand.id("job_"), outcome, System.nanoTime(), duration.toNanos(),
          cfg.clock().instant());
    } while (!jobs.add(job));
    started(job, duration);
    return job;
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

  private Job defaultJob() throws JobStore.FullException {
    Optional<Job> existing = jobs.get(Protocol.DEFAULT_JOB, System.nanoTime());
    if (existing.isPresent()) {
      return existing.get();
    }
    Duration d = rand.sample(cfg.delay());
    JobStatus outcome = randomOutcome();
    Job fresh = new Job(Protocol.DEFAULT_JOB, outcome, System.nanoTime(), d.toNanos(), cfg.clock().instant());
    if (!jobs.add(fresh)) {
      // Another request created it first; it is pinned, so it is still there.
      return jobs.get(Protocol.DEFAULT_JOB, System.nanoTime()).orElseThrow();
    }
    started(fresh, d);
    return fresh;
  }

  /**
   * Ends a job with {@code outcome} unless it has ended already. Exactly one caller wins the
   * compare-and-set; the winner hands the webhooks to the delivery thread.
   */
  private boolean finish(Job job, JobStatus outcome, boolean byHand) {
    Job.State cur = job.state();
    if (cur.status().isTerminal()) {
      return false;
    }
    Job.State next = new Job.State(outcome, cfg.clock().instant());
    if (!job.casState(cur, next)) {
      return false;
    }
    long now = System.nanoTime();
    ScheduledFuture<?> timer = job.timer;
    if (byHand && timer != null) {
      timer.cancel(false);
    }
    job.timer = null;
    job.rendered = null;
    jobs.ended(job, now);
    log("job " + job.id + " " + outcome.wireName() + (byHand ? " (by hand)" : "") + " after "
        + Durations.format(Duration.ofNanos(now - job.startNanos)));
    if (!closed) {
      deliveries.jobFinished(job.id, next);
    }
    return true;
  }

  /** The job's state now; a job past its due time is finished here, so it is never stale. */
  private Job.State current(Job job) {
    Job.State s = job.state();
    if (!s.status().isTerminal() && job.isDue(System.nanoTime())) {
      finish(job, job.outcome, false);
      s = job.state();
    }
    return s;
  }

  /** Ends job {@code id} now; false if it had ended already. */
  public boolean complete(String id, JobStatus outcome) {
    checkOpen();
    Job job = jobs.get(id, System.nanoTime())
        .orElseThrow(() -> new IllegalArgumentException("unknown job: " + id));
    return finish(job, outcome, true);
  }

  /** Job {@code id}'s status now, finishing it first if it is due; empty if unknown. */
  public Optional<JobStatus> status(String id) {
    return jobs.get(id, System.nanoTime()).map(j -> current(j).status());
  }

  /** {@code GET /status} requests seen for job {@code id}; 0 if unknown. */
  public int statusRequests(String id) {
    return jobs.get(id, System.nanoTime()).map(j -> j.statusRequests()).orElse(0);
  }

  /** The jobs held now (pending, and ended ones not yet expired or evicted). */
  public int jobCount() {
    return jobs.size();
  }

  /** Jobs expired or evicted so far. */
  public long removedJobCount() {
    return jobs.removed();
  }

  public int webhookCount() {
    return webhooks.size();
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
    return deliveries.take(timeout);
  }

  /** Every delivery attempt so far, including failed and dropped ones. */
  public long deliveryCount() {
    return deliveries.deliveryCount();
  }

  /** Delivery attempts dropped because their registration's queue was full. */
  public long droppedDeliveryCount() {
    return deliveries.droppedCount();
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
    /** A header to send with the error ({@code Allow} of a 405, {@code Retry-After}), or null. */
    final String header;
    final String value;

    BadRequest(int code, String message) {
      this(code, message, null, null);
    }

    BadRequest(int code, String message, String header, String value) {
      super(message, null, false, false);
      this.code = code;
      this.header = header;
      this.value = value;
    }
  }

  /** The answer when every job held is pending: try again once one may have ended. */
  private static BadRequest full(JobStore.FullException e) {
    return new BadRequest(503, e.getMessage(), "Retry-After", "1");
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
      if (e.header != null) {
        response = response.with(e.header, e.value);
      }
    } catch (IOException e) {
      response = Response.error(400, "could not read request: " + e.getMessage());
    } catch (RuntimeException e) {
      // A bug of ours must not become a 500 the client can provoke; it is logged loudly.
      LOGGER.log(System.Logger.Level.WARNING, "simulator failed on " + method + " " + path, e);
      log("internal error on " + method + " " + path + ": " + e);
      response = Response.error(400, "request not understood");
    }
    requests.add(record(method, path, query, ex.getRequestHeaders(), body));
    respond(ex, response);
  }

  /** A record of the request within {@link RecordedRequest}'s bounds. */
  static RecordedRequest record(String method, String path, String query, Headers h, String body) {
    boolean[] cut = {false};
    Map<String, List<String>> headers = new LinkedHashMap<>();
    int left = RecordedRequest.MAX_HEADER_CHARS;
    for (Map.Entry<String, List<String>> e : h.entrySet()) {
      List<String> kept = new ArrayList<>();
      left -= e.getKey().length();
      for (String v : e.getValue()) {
        if (left < 0 || v.length() > left) {
          cut[0] = true;
          break;
        }
        left -= v.length();
        kept.add(v);
      }
      if (left < 0) {
        cut[0] = true;
        break;
      }
      headers.put(e.getKey(), List.copyOf(kept));
    }
    return new RecordedRequest(method, cut(path, RecordedRequest.MAX_TARGET_CHARS, cut),
        cut(query, RecordedRequest.MAX_TARGET_CHARS, cut), headers,
        cut(body, RecordedRequest.MAX_BODY_CHARS, cut), cut[0]);
  }

  private static String cut(String s, int max, boolean[] cut) {
    if (s.length() <= max) {
      return s;
    }
    cut[0] = true;
    // Never split a surrogate pair.
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }

  /** A record's estimated heap footprint: two bytes a character plus the objects around them. */
  static long size(RecordedRequest r) {
    long chars = r.method().length() + r.path().length() + r.query().length() + r.body().length();
    for (Map.Entry<String, List<String>> e : r.headers().entrySet()) {
      chars += e.getKey().length();
      for (String v : e.getValue()) {
        chars += v.length() + 24;
      }
    }
    return 256 + 2 * chars;
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

  private Response getStatus(String query) throws BadRequest {
    List<String> ids = jobParams(query);
    if (ids.size() > 1) {
      throw new BadRequest(400, "more than one job parameter");
    }
    Job job;
    if (ids.isEmpty()) {
      try {
        job = defaultJob();
      } catch (JobStore.FullException e) {
        throw full(e);
      }
    } else {
      String id = jobId(ids.get(0));
      job = jobs.get(id, System.nanoTime()).orElseThrow(() -> new BadRequest(404,
          "unknown job: " + id + " (ended jobs are kept for " + flag(cfg.retain())
              + ", at most " + cfg.maxJobs() + " jobs in all)"));
    }
    job.countStatusRequest();
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
        cached = new Job.Rendered(s, Protocol.statusBody(job.id, s.status(), s.updatedAt())
            .toString()
            .getBytes(StandardCharsets.UTF_8));
        job.rendered = cached;
      }
      return new Response(code, cached.body(), Map.of());
    }
    Json.ObjectBuilder b = Protocol.statusBody(job.id, s.status(), s.updatedAt());
    long total = job.dueNanos - job.startNanos;
    long left = Math.max(0, job.dueNanos - now);
    int progress = total <= 0 ? 99 : (int) Math.min(99, Math.max(0, (total - left) * 100 / total));
    long etaMs = (left + 999_999) / 1_000_000;
    long retryAfter = Math.max(1, (left + 999_999_999) / 1_000_000_000);
    b.put(Protocol.PROGRESS, progress).put(Protocol.ETA_MS, etaMs);
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
    Job job;
    try {
      if (idempotencyKey != null) {
        if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255) {
          throw new BadRequest(400, "Idempotency-Key must be 1 to 255 characters");
        }
        // Held only while creating a job in memory; /status never takes this lock.
        synchronized (idempotencyKeys) {
          Optional<Job> known = idempotencyKeys.get(idempotencyKey)
              .flatMap(id -> jobs.get(id, System.nanoTime()));
          if (known.isPresent()) {
            job = known.get();
          } else {
            // New key, or its job has expired: the key now names a new job.
            job = create(d, out);
            idempotencyKeys.put(idempotencyKey, job.id);
          }
        }
      } else {
        job = create(d, out);
      }
    } catch (JobStore.FullException e) {
      throw full(e);
    }
    return statusResponse(201, job).with("Location", "/status?job=" + job.id);
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
    Webhooks.Registered reg;
    try {
      reg = webhooks.register(url, job, secret);
    } catch (Webhooks.FullException e) {
      throw new BadRequest(429, e.getMessage());
    }
    if (reg.created() && job.isPresent()) {
      // A job that ended before its webhook was registered still gets its event once.
      Optional<Job> j = jobs.get(job.get(), System.nanoTime());
      if (j.isPresent()) {
        Job.State s = current(j.get());
        if (s.status().isTerminal()) {
          deliveries.replay(reg.registration(), j.get().id, s);
        }
      }
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
    log("webhook " + id + " keys rotated; previous keys sign "
        + keys.previousUntil().map(t -> "until " + Protocol.timestamp(t)).orElse("no more"));
    return Response.json(200, answer.toString());
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
    deliveries.close();
    shutdownThreads();
    boolean interrupted = false;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      httpExecutor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      scheduler.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      deliveries.awaitTermination(deadline - System.nanoTime());
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
