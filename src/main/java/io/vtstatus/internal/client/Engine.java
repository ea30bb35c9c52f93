package io.vtstatus.internal.client;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobListener;
import io.vtstatus.JobNotFoundException;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.JobTimeoutException;
import io.vtstatus.PollContext;
import io.vtstatus.ProtocolException;
import io.vtstatus.WebhookVerifier;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.internal.webhook.Signatures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The client's machinery behind {@code StatusClient}: one scheduler for timers, a bounded pool
 * for blocking requests (on Java 17, {@code sendAsync} starts a thread per response on small
 * machines; {@code send} on our own pool does not), the webhook listener, and per-job state.
 */
public final class Engine {
  public static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  /** The id the simulator gives the job behind {@code GET /status} without a job. */
  public static final String DEFAULT_JOB = "default";

  static final System.Logger LOG = System.getLogger("io.vtstatus");
  static final String USER_AGENT = "vtstatus/0.1.0";
  /** After this many jobs in a row ended by poll with no webhook between, webhooks are not arriving. */
  static final int SILENT_AFTER_POLL_WINS = 3;
  /** At most one confirming poll per job per this interval, however many hints arrive. */
  static final long CONFIRM_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long MIN_LAST_REQUEST_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** How long close() lets in-flight requests finish before interrupting them. */
  static final long GRACEFUL_CLOSE_MILLIS = 1000;
  static final long REREGISTER_MIN_NANOS = TimeUnit.SECONDS.toNanos(10);
  static final long REREGISTER_EVERY_MINUTES = 5;

  private final ClientConfig cfg;
  private final JobListener listener;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final ThreadPoolExecutor requests;
  private final ExecutorService httpIo;
  private volatile HttpClient http;
  private final WebhookListener webhooks;
  private final ConcurrentHashMap<String, Set<Watch>> watches = new ConcurrentHashMap<>();
  private final EarlyEvents early = new EarlyEvents(10_000, TimeUnit.MINUTES.toNanos(10));
  private final CompletableFuture<Void> firstRegistration = new CompletableFuture<>();
  /** Jobs polls found ended since the last webhook that reached us: evidence webhooks do not. */
  private final AtomicInteger pollWinsSinceWebhook = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean registered;
  private volatile WebhookVerifier verifier;
  private volatile ScheduledFuture<?> registrationRetry;
  private volatile ScheduledFuture<?> registrationRefresh;
  private final AtomicLong lastRegistrationNanos =
      new AtomicLong(System.nanoTime() - REREGISTER_MIN_NANOS - 1);

  private Engine(ClientConfig cfg) {
    this.cfg = cfg;
    this.listener = new SafeListener(cfg.listener());
    if (cfg.executor().isPresent()) {
      this.scheduler = cfg.executor().get();
      this.ownScheduler = false;
    } else {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(1, Threads.daemon("vtstatus-scheduler"));
      // Cancelled polls must not pile up in the queue of a client watching thousands of jobs.
      s.setRemoveOnCancelPolicy(true);
      this.scheduler = s;
      this.ownScheduler = true;
    }
    int n = cfg.maxConcurrentRequests();
    this.requests = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        Threads.daemon("vtstatus-http"));
    this.requests.allowCoreThreadTimeOut(true);
    this.httpIo = Executors.newFixedThreadPool(2, Threads.daemon("vtstatus-http-io"));
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(cfg.requestTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(httpIo)
        .build();
    cfg.webhook().secret().ifPresent(s -> verifier = WebhookVerifier.of(s).clock(cfg.clock()));
    WebhookListener w = null;
    if (cfg.webhook().enabled()) {
      try {
        w = WebhookListener.start(this, cfg.webhook());
      } catch (IOException e) {
        shutdownExecutors();
        throw new UncheckedIOException("cannot listen for webhooks on port "
            + cfg.webhook().port() + ": " + e.getMessage(), e);
      }
    }
    this.webhooks = w;
    if (webhooks == null) {
      firstRegistration.complete(null);
    }
  }

  /** Builds the engine and, with webhooks on, starts registering the listener. */
  public static Engine start(ClientConfig cfg) {
    Engine e = new Engine(cfg);
    if (e.webhooks != null) {
      e.register(0);
      e.registrationRefresh = e.scheduler.scheduleWithFixedDelay(e::refreshRegistration,
          REREGISTER_EVERY_MINUTES, REREGISTER_EVERY_MINUTES, TimeUnit.MINUTES);
    }
    return e;
  }

  public ClientConfig config() {
    return cfg;
  }

  public Optional<URI> webhookUrl() {
    return webhooks == null ? Optional.empty() : Optional.of(webhooks.url());
  }

  public int activeWatches() {
    int n = 0;
    for (Set<Watch> s : watches.values()) {
      n += s.size();
    }
    return n;
  }

  JobListener listener() {
    return listener;
  }

  Optional<WebhookVerifier> verifier() {
    return Optional.ofNullable(verifier);
  }

  // ---------------------------------------------------------------- watching

  public CompletableFuture<JobResult> watch(String jobId, Duration timeout) {
    if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("Invalid job id (need [A-Za-z0-9._-]{1,128}): " + jobId);
    }
    return start(new Watch(jobId, URI.create(cfg.base() + "/status?job=" + jobId), timeout,
        cfg.clock().instant()), false);
  }

  /** Watches the server's default job, polled as {@code GET /status}, with a first poll now. */
  public CompletableFuture<JobResult> watchDefault() {
    return start(new Watch(DEFAULT_JOB, URI.create(cfg.base() + "/status"), cfg.timeout(),
        cfg.clock().instant()), true);
  }

  private CompletableFuture<JobResult> start(Watch w, boolean pollNow) {
    if (closed.get()) {
      throw new IllegalStateException("client is closed");
    }
    w.future.whenComplete((r, e) -> ended(w, r, e));
    // compute, not computeIfAbsent + add: a concurrent detach may drop an emptied set from the
    // map between the two, and a watch added to that set would never hear its webhook.
    watches.compute(w.jobId, (k, s) -> {
      Set<Watch> set = s == null ? ConcurrentHashMap.newKeySet() : s;
      set.add(w);
      return set;
    });
    if (closed.get()) {
      fail(w, new CancellationException("client closed"));
      return w.future;
    }
    // The webhook handler stores before it dispatches, and we register before we look: an
    // event that raced this watch is seen by one side or the other.
    Optional<EarlyEvents.Event> ev = early.get(w.jobId);
    if (ev.isPresent() && ev.get().trusted()) {
      StatusAnswer a = ev.get().answer();
      changed(w, a.status());
      complete(w, a.status(), DetectedBy.WEBHOOK, a.updatedAt());
      return w.future;
    }
    if (pollNow || ev.isPresent()) {
      w.lastConfirmNanos = System.nanoTime();
      scheduleAt(w, 0);
    } else {
      scheduleAt(w, nextDelayNanos(w));
    }
    return w.future;
  }

  /**
   * Ends {@code w} with {@code failure}. Like {@link #complete}, it detaches the watch and tells
   * the listener first, so a caller woken by the future sees a consistent state.
   */
  private void fail(Watch w, Throwable failure) {
    if (w.future.isDone() || !w.finished.compareAndSet(false, true)) {
      return;
    }
    detach(w);
    listener.failed(w.jobId, failure, w.waited());
    w.future.completeExceptionally(failure);
  }

  /** Runs when the future completes, also when the user cancels or completes it. */
  private void ended(Watch w, JobResult r, Throwable e) {
    if (!w.finished.compareAndSet(false, true)) {
      return;
    }
    detach(w);
    if (e != null) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
          ? e.getCause() : e;
      listener.failed(w.jobId, cause, w.waited());
    }
  }

  private void detach(Watch w) {
    ScheduledFuture<?> p;
    synchronized (w) {
      p = w.pending;
      w.pending = null;
    }
    if (p != null) {
      p.cancel(false);
    }
    watches.computeIfPresent(w.jobId, (k, s) -> {
      s.remove(w);
      return s.isEmpty() ? null : s;
    });
    try {
      cfg.schedule().watchEnded(new PollContext(w.jobId, w.answered, w.waited(), w.last,
          w.retryAfter, w.eta, w.progress, webhooksArriving()));
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "poll schedule's watchEnded threw", ex);
    }
  }

  private long nextDelayNanos(Watch w) {
    PollContext ctx = new PollContext(w.jobId, w.answered, w.waited(), w.last, w.retryAfter,
        w.eta, w.progress, webhooksArriving());
    Duration d;
    try {
      d = cfg.schedule().nextDelay(ctx);
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "poll schedule threw; polling again in 1 s", ex);
      d = Duration.ofSeconds(1);
    }
    if (d == null || d.isNegative()) {
      return 0;
    }
    return saturatedNanos(d);
  }

  boolean webhooksArriving() {
    // Registered and not yet contradicted: presume webhooks work, so a client that starts
    // thousands of watches at once does not poll them all before the first webhook can arrive.
    // Three jobs in a row found ended by polls, with no webhook between, say they do not.
    return registered && pollWinsSinceWebhook.get() < SILENT_AFTER_POLL_WINS;
  }

  /** Schedules the next poll {@code delayNanos} from now, clamped to the deadline. */
  private void scheduleAt(Watch w, long delayNanos) {
    long now = System.nanoTime();
    long remaining = w.deadlineNanos - now;
    if (remaining <= 0) {
      timeout(w);
      return;
    }
    long d = Math.max(0, Math.min(delayNanos, remaining));
    synchronized (w) {
      if (w.future.isDone()) {
        return;
      }
      if (w.pending != null) {
        w.pending.cancel(false);
      }
      w.pendingAtNanos = now + d;
      try {
        w.pending = scheduler.schedule(() -> dispatch(w), d, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException ex) {
        w.pending = null;
        fail(w, new CancellationException("client closed"));
      }
    }
  }

  private void dispatch(Watch w) {
    try {
      requests.execute(() -> poll(w));
    } catch (RejectedExecutionException ex) {
      fail(w, new CancellationException("client closed"));
    }
  }

  private void poll(Watch w) {
    synchronized (w) {
      if (w.future.isDone() || w.inFlight) {
        return;
      }
      w.inFlight = true;
      w.pending = null;
    }
    int attempt = w.polls.incrementAndGet();
    listener.pollSent(w.jobId, attempt);
    long remaining = w.deadlineNanos - System.nanoTime();
    Duration reqTimeout = Duration.ofNanos(Math.min(saturatedNanos(cfg.requestTimeout()),
        Math.max(remaining, MIN_LAST_REQUEST_NANOS)));
    HttpRequest req = HttpRequest.newBuilder(w.statusUri)
        .timeout(reqTimeout)
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT)
        .GET()
        .build();
    long delay;
    try {
      HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      String body = readBounded(resp.body(), StatusAnswer.MAX_BODY);
      delay = answered(w, attempt, resp, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(w, new CancellationException("interrupted"));
      return;
    } catch (IOException e) {
      delay = transientFailure(w, attempt, e, Optional.empty());
    } catch (RuntimeException e) {
      // A bug of ours or the JDK's must not leave a watch hanging.
      fail(w, e);
      return;
    } finally {
      synchronized (w) {
        w.inFlight = false;
      }
    }
    if (delay >= 0 && !w.future.isDone()) {
      if (w.recheck) {
        // A hint arrived while this poll was in flight: confirm it, within the rate limit.
        w.recheck = false;
        long now = System.nanoTime();
        long at;
        synchronized (w) {
          at = Math.max(now, w.lastConfirmNanos + CONFIRM_INTERVAL_NANOS);
          w.lastConfirmNanos = at;
        }
        delay = Math.min(delay, at - now);
      }
      scheduleAt(w, delay);
    }
  }

  /** Handles one answer; returns the delay before the next poll, or -1 if the watch ended. */
  private long answered(Watch w, int attempt, HttpResponse<?> resp, String body) {
    int code = resp.statusCode();
    Optional<Duration> retryAfter = retryAfter(resp);
    if (code == 200) {
      StatusAnswer a;
      try {
        a = StatusAnswer.parse(body, "GET " + w.statusUri + " answer");
      } catch (ProtocolException e) {
        fail(w, e);
        return -1;
      }
      listener.pollAnswered(w.jobId, attempt, a.status());
      w.answered++;
      w.failures = 0;
      w.lastFailure = null;
      changed(w, a.status());
      if (a.status().isTerminal()) {
        if (w.hinted) {
          // An unsigned webhook told the truth: they do reach us, so polling may relax.
          pollWinsSinceWebhook.set(0);
        } else if (registered) {
          pollWinsSinceWebhook.incrementAndGet();
        }
        complete(w, a.status(), DetectedBy.POLL, a.updatedAt());
        return -1;
      }
      w.retryAfter = retryAfter;
      w.eta = a.eta();
      w.progress = a.progress();
      return nextDelayNanos(w);
    }
    if (code == 404) {
      // A server that lost a job may have restarted and lost our registration with it.
      refreshRegistration();
      fail(w, new JobNotFoundException(w.jobId,
          "GET " + w.statusUri + " answered 404: " + StatusAnswer.excerpt(body)));
      return -1;
    }
    if (code == 429 || code == 408 || code >= 500) {
      return transientFailure(w, attempt,
          new IOException("GET " + w.statusUri + " answered " + code + ": " + StatusAnswer.excerpt(body)),
          retryAfter);
    }
    fail(w, new ProtocolException(
        "GET " + w.statusUri + " answered " + code + ": " + StatusAnswer.excerpt(body)));
    return -1;
  }

  private long transientFailure(Watch w, int attempt, IOException e, Optional<Duration> retryAfter) {
    w.failures++;
    w.lastFailure = e;
    listener.pollFailed(w.jobId, attempt, e);
    // Full jitter: uniform in [0, min(cap, base * 2^n)], so clients that failed together do not
    // come back together; a server's Retry-After is a floor.
    long cap = Math.min(TimeUnit.SECONDS.toNanos(30),
        TimeUnit.MILLISECONDS.toNanos(250) << Math.min(w.failures, 20));
    long d = (long) (ThreadLocalRandom.current().nextDouble() * cap);
    if (retryAfter.isPresent()) {
      d = Math.max(d, saturatedNanos(retryAfter.get()));
    }
    return d;
  }

  private void timeout(Watch w) {
    JobTimeoutException t = new JobTimeoutException(w.jobId, w.last, w.waited(), w.polls.get());
    if (w.lastFailure != null) {
      t.initCause(w.lastFailure);
    }
    fail(w, t);
  }

  private void changed(Watch w, JobStatus now) {
    JobStatus before;
    synchronized (w) {
      before = w.last;
      w.last = now;
    }
    if (before != now) {
      listener.statusChanged(w.jobId, before, now);
    }
  }

  private void complete(Watch w, JobStatus status, DetectedBy by, Optional<Instant> updatedAt) {
    Duration waited = w.waited();
    JobResult r = new JobResult(w.jobId, status, by, w.polls.get(), waited, updatedAt);
    if (w.future.isDone() || !w.finished.compareAndSet(false, true)) {
      return;
    }
    detach(w);
    listener.completed(r);
    try {
      cfg.schedule().jobFinished(observedDuration(w, waited, updatedAt), by);
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "poll schedule's jobFinished threw", ex);
    }
    w.future.complete(r);
  }

  /**
   * The job's duration as seen from {@code watch()}. A poll detects the end up to one interval
   * late; learning from detection times would teach the schedule its own lateness. The server's
   * {@code updated_at} says when the job really ended, so we use it when it is plausible.
   */
  private Duration observedDuration(Watch w, Duration waited, Optional<Instant> updatedAt) {
    if (updatedAt.isEmpty()) {
      return waited;
    }
    Duration d = Duration.between(w.startWall, updatedAt.get());
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(waited) > 0 ? waited : d;
  }

  // ---------------------------------------------------------------- webhooks

  /**
   * A webhook for {@code jobId} passed the listener's checks. Trusted (signature verified)
   * events complete watches; others only make us confirm with a poll.
   */
  void onWebhook(String jobId, StatusAnswer a, boolean trusted) {
    listener.webhookReceived(jobId, a.status(), trusted);
    if (trusted) {
      pollWinsSinceWebhook.set(0);
    }
    early.put(jobId, new EarlyEvents.Event(a, trusted));
    Set<Watch> ws = watches.get(jobId);
    if (ws == null) {
      return;
    }
    for (Watch w : ws) {
      if (trusted) {
        changed(w, a.status());
        complete(w, a.status(), DetectedBy.WEBHOOK, a.updatedAt());
      } else {
        confirm(w);
      }
    }
  }

  /** Polls {@code w} soon to check an unsigned webhook's claim, at most once a second. */
  private void confirm(Watch w) {
    long now = System.nanoTime();
    long at;
    synchronized (w) {
      if (w.future.isDone()) {
        return;
      }
      if (w.inFlight) {
        w.recheck = true;
        w.hinted = true;
        return;
      }
      at = Math.max(now, w.lastConfirmNanos + CONFIRM_INTERVAL_NANOS);
      if (w.pending != null && w.pendingAtNanos <= at) {
        return;
      }
      w.lastConfirmNanos = at;
    }
    w.hinted = true;
    scheduleAt(w, at - now);
  }

  // ---------------------------------------------------------------- registration

  public void awaitRegistration() throws InterruptedException {
    try {
      firstRegistration.get(cfg.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Registration trouble is reported through the listener; polling carries on.
    }
  }

  /**
   * Registers again (registration is idempotent) if the last attempt is old enough: servers
   * forget registrations when they restart, and nothing else would tell us.
   */
  private void refreshRegistration() {
    long now = System.nanoTime();
    long last = lastRegistrationNanos.get();
    if (webhooks != null && registered && now - last > REREGISTER_MIN_NANOS
        && lastRegistrationNanos.compareAndSet(last, now)) {
      register(0);
    }
  }

  private void register(int attempt) {
    if (closed.get()) {
      return;
    }
    try {
      requests.execute(() -> doRegister(attempt));
    } catch (RejectedExecutionException e) {
      firstRegistration.complete(null);
    }
  }

  private void doRegister(int attempt) {
    if (closed.get()) {
      firstRegistration.complete(null);
      return;
    }
    URI url = webhooks.url();
    String secret = cfg.webhook().secret().orElse(webhooks.generatedSecret());
    String body = Json.obj().put("url", url.toString()).put("secret", secret).toString();
    HttpRequest req = HttpRequest.newBuilder(URI.create(cfg.base() + "/register-webhook"))
        .timeout(cfg.requestTimeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    Exception failure = null;
    try {
      HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      String answer = readBounded(resp.body(), StatusAnswer.MAX_BODY);
      int code = resp.statusCode();
      if (code / 100 == 2) {
        String effective = secret;
        try {
          Optional<String> s = Json.string(Json.parseObject(answer), "secret");
          if (s.isPresent() && Signatures.isValidSecret(s.get())) {
            effective = s.get();
          }
        } catch (JsonException e) {
          // Servers like the original answer without a JSON body; our secret stands.
        }
        verifier = WebhookVerifier.of(effective).clock(cfg.clock());
        registered = true;
        listener.webhookRegistered(url.toString(), null);
        LOG.log(Level.DEBUG, "registered webhook {0} with {1}", url, cfg.server());
      } else {
        failure = new ProtocolException("POST /register-webhook answered " + code + ": "
            + StatusAnswer.excerpt(answer));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      firstRegistration.complete(null);
      return;
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
    if (failure != null) {
      listener.webhookRegistered(url.toString(), failure);
      LOG.log(Level.WARNING, "webhook registration with " + cfg.server() + " failed (attempt "
          + (attempt + 1) + "), polling carries on: " + failure);
      long retry = Math.min(60_000, 1000L << Math.min(attempt, 6));
      try {
        registrationRetry = scheduler.schedule(() -> register(attempt + 1), retry, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
    firstRegistration.complete(null);
  }

  // ---------------------------------------------------------------- submit

  public String submit(Optional<Duration> duration, Optional<JobStatus> outcome)
      throws IOException, InterruptedException {
    if (closed.get()) {
      throw new IllegalStateException("client is closed");
    }
    Json.ObjectBuilder b = Json.obj();
    duration.ifPresent(d -> b.put("duration_ms", d.toMillis()));
    outcome.ifPresent(o -> b.put("outcome", o.wireName()));
    String key = UUID.randomUUID().toString();
    HttpRequest req = HttpRequest.newBuilder(URI.create(cfg.base() + "/jobs"))
        .timeout(cfg.requestTimeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT)
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(b.toString()))
        .build();
    IOException last = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) {
        TimeUnit.MILLISECONDS.sleep(100L << attempt);
      }
      HttpResponse<InputStream> resp;
      String body;
      try {
        resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        body = readBounded(resp.body(), StatusAnswer.MAX_BODY);
      } catch (IOException e) {
        last = e;
        continue;
      }
      int code = resp.statusCode();
      if (code == 429 || code >= 500) {
        last = new IOException("POST /jobs answered " + code + ": " + StatusAnswer.excerpt(body));
        continue;
      }
      if (code / 100 != 2) {
        throw new ProtocolException("POST /jobs answered " + code + ": " + StatusAnswer.excerpt(body)
            + (code == 404 || code == 405 ? " (does this server support creating jobs?)" : ""));
      }
      Optional<String> id;
      try {
        id = Json.string(Json.parseObject(body), "job");
      } catch (JsonException e) {
        throw new ProtocolException("POST /jobs answer is not usable (" + e.getMessage() + "): "
            + StatusAnswer.excerpt(body));
      }
      if (id.isEmpty() || !JOB_ID.matcher(id.get()).matches()) {
        throw new ProtocolException("POST /jobs answer has no valid \"job\": " + StatusAnswer.excerpt(body));
      }
      return id.get();
    }
    throw new IOException("cannot create a job at " + cfg.server() + ": " + last.getMessage(), last);
  }

  // ---------------------------------------------------------------- close

  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (webhooks != null) {
      webhooks.stop();
    }
    for (ScheduledFuture<?> r : new ScheduledFuture<?>[] {registrationRetry, registrationRefresh}) {
      if (r != null) {
        r.cancel(false);
      }
    }
    for (Set<Watch> s : watches.values()) {
      for (Watch w : s) {
        fail(w, new CancellationException("client closed"));
      }
    }
    firstRegistration.complete(null);
    shutdownExecutors();
  }

  private void shutdownExecutors() {
    if (ownScheduler) {
      scheduler.shutdownNow();
    }
    // Let requests in flight finish (on loopback, milliseconds) before interrupting: on Java 17
    // an interrupted send() leaves the HttpClient with a pending operation, and its selector
    // thread then outlives close() by a minute or more. Queued polls return at once, since
    // every watch has ended by now.
    requests.shutdown();
    boolean interrupted = false;
    try {
      if (!requests.awaitTermination(GRACEFUL_CLOSE_MILLIS, TimeUnit.MILLISECONDS)) {
        requests.shutdownNow();
      }
      if (ownScheduler) {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      }
      requests.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      requests.shutdownNow();
      interrupted = true;
    }
    HttpClient c = http;
    // Java 21+ can close an HttpClient (ending its selector thread now); on 17 the thread ends
    // once the client is unreachable, so we drop our reference.
    if (c instanceof AutoCloseable) {
      try {
        ((AutoCloseable) c).close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "closing HttpClient", e);
      }
    }
    http = null;
    httpIo.shutdownNow();
    try {
      httpIo.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- helpers

  static String readBounded(InputStream in, int limit) throws IOException {
    try (in) {
      byte[] b = in.readNBytes(limit + 1);
      if (b.length > limit) {
        throw new ProtocolException("answer body over " + limit + " bytes");
      }
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  static Optional<Duration> retryAfter(HttpResponse<?> resp) {
    Optional<String> h = resp.headers().firstValue("Retry-After");
    if (h.isEmpty()) {
      return Optional.empty();
    }
    String v = h.get().trim();
    try {
      long s = Long.parseLong(v);
      return s < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(s, 3600)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime t = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(Instant.now(), t.toInstant());
        return d.isNegative() ? Optional.of(Duration.ZERO)
            : Optional.of(d.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : d);
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** One watch: a caller waiting for one job. Fields guarded by the watch's monitor or confined. */
  static final class Watch {
    final String jobId;
    final URI statusUri;
    final long startNanos = System.nanoTime();
    final Instant startWall;
    final long deadlineNanos;
    final CompletableFuture<JobResult> future = new CompletableFuture<>();
    final AtomicInteger polls = new AtomicInteger();
    /** Set by whichever ending comes first; the listener hears of exactly one. */
    final AtomicBoolean finished = new AtomicBoolean();
    volatile JobStatus last = JobStatus.PENDING;
    volatile int answered;
    volatile int failures;
    volatile IOException lastFailure;
    volatile Optional<Duration> retryAfter = Optional.empty();
    volatile Optional<Duration> eta = Optional.empty();
    volatile OptionalInt progress = OptionalInt.empty();
    volatile boolean recheck;
    volatile boolean hinted;
    ScheduledFuture<?> pending;
    long pendingAtNanos;
    long lastConfirmNanos = Long.MIN_VALUE / 2;
    boolean inFlight;

    Watch(String jobId, URI statusUri, Duration timeout, Instant startWall) {
      this.startWall = startWall;
      this.jobId = jobId;
      this.statusUri = statusUri;
      this.deadlineNanos = startNanos + saturatedNanos(timeout);
    }

    Duration waited() {
      return Duration.ofNanos(System.nanoTime() - startNanos);
    }
  }

  /** Keeps the client running when a user's listener throws. */
  private static final class SafeListener implements JobListener {
    private final JobListener d;

    SafeListener(JobListener d) {
      this.d = d;
    }

    private static void run(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "JobListener threw", e);
      }
    }

    @Override
    public void pollSent(String jobId, int attempt) {
      run(() -> d.pollSent(jobId, attempt));
    }

    @Override
    public void pollAnswered(String jobId, int attempt, JobStatus status) {
      run(() -> d.pollAnswered(jobId, attempt, status));
    }

    @Override
    public void pollFailed(String jobId, int attempt, Exception failure) {
      run(() -> d.pollFailed(jobId, attempt, failure));
    }

    @Override
    public void statusChanged(String jobId, JobStatus from, JobStatus to) {
      run(() -> d.statusChanged(jobId, from, to));
    }

    @Override
    public void webhookReceived(String jobId, JobStatus status, boolean verified) {
      run(() -> d.webhookReceived(jobId, status, verified));
    }

    @Override
    public void webhookRejected(int httpStatus, String reason) {
      run(() -> d.webhookRejected(httpStatus, reason));
    }

    @Override
    public void webhookRegistered(String url, Exception failure) {
      run(() -> d.webhookRegistered(url, failure));
    }

    @Override
    public void completed(JobResult result) {
      run(() -> d.completed(result));
    }

    @Override
    public void failed(String jobId, Throwable failure, Duration waited) {
      run(() -> d.failed(jobId, failure, waited));
    }
  }

}
