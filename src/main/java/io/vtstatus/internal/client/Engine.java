package io.vtstatus.internal.client;

import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.util.ExpiringMap;
import io.vtstatus.internal.util.Scheduler;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.internal.webhook.Signatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts the client together and takes it apart: the scheduler, the transport, the webhook
 * listener, registration and the watches, each in a class of its own. It builds them in one
 * direction: the listener binds first (its URL), then the keys, registration, the watcher and
 * the intake that feeds it, then the listener starts with that intake. It owns the two
 * lifecycle rules: every thread started is a daemon, and {@link #close()} lets the listener's
 * acknowledgements finish before it stops anything.
 */
public final class Engine {
  static final System.Logger LOG = System.getLogger("io.vtstatus");
  /** Timeouts this long (about 73 years) or longer mean "no limit": no deadline timer at all. */
  static final long UNBOUNDED_NANOS = Long.MAX_VALUE / 4;
  /** How long {@link #close()} lets the webhook listener's exchanges in progress finish. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private final ClientConfig cfg;
  private final ScheduledExecutorService executor;
  private final boolean ownExecutor;
  private final Transport transport;
  private final StatusApi api;
  private final WebhookIntake intake;
  private final WebhookListener webhooks;
  private final Registrar registrar;
  private final Watcher watcher;
  private final AtomicBoolean closed = new AtomicBoolean();
  /**
   * Jobs this client created lately: running when watched, so their first poll can wait for the
   * schedule. Any other job may have ended before its watch began (a service restarted and
   * awaits what it submitted before): its first poll is due within a second.
   */
  private final ExpiringMap<String, Boolean> createdHere =
      new ExpiringMap<>(WebhookSignals.MAX_EARLY_EVENTS, WebhookSignals.EARLY_EVENT_TTL_NANOS, System::nanoTime);

  private Engine(ClientConfig cfg) {
    this.cfg = cfg;
    SafeListener listener = new SafeListener(cfg.listener());
    if (cfg.executor().isPresent()) {
      this.executor = cfg.executor().get();
      this.ownExecutor = false;
    } else {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(1, Threads.daemon("vtstatus-scheduler"));
      // Cancelled timers must not pile up in the queue of a client watching thousands of jobs.
      s.setRemoveOnCancelPolicy(true);
      this.executor = s;
      this.ownExecutor = true;
    }
    Scheduler scheduler = Scheduler.of(executor);
    // Room for every poll the gate lets through, plus registration and a submit beside them.
    this.transport = new HttpTransport(cfg.requestTimeout(), scheduler, cfg.maxBodySize(),
        cfg.maxConcurrentRequests() + 2);
    this.api = new StatusApi(cfg.server(), transport, cfg.clock(), cfg.protocol(),
        cfg.credentials(), cfg.maxBodySize(), (job, word) -> {
          LOG.log(Level.WARNING, "job {0}: status word \"{1}\" is not declared by protocol {2};"
              + " read as pending", job, StatusAnswer.excerpt(word), cfg.protocol().name());
          listener.unknownStatus(job, word);
        });
    // Built in one direction: the listener binds first (its URL), then registration, the
    // watcher and the intake that feeds it; only then does the listener start answering.
    // Events cannot arrive earlier: registration starts in start(), and acceptWebhook needs a
    // built client.
    WebhookListener bound = null;
    if (cfg.webhook().listens()) {
      try {
        bound = WebhookListener.bind(listener, cfg.webhook());
      } catch (IOException e) {
        releaseThreads();
        throw new UncheckedIOException("cannot listen for webhooks on port "
            + cfg.webhook().port() + ": " + e.getMessage(), e);
      }
    }
    TrustedKeys keys = cfg.webhook().enabled() ? TrustedKeys.of(cfg.webhook()) : null;
    Optional<URI> url = bound != null ? Optional.of(bound.url()) : cfg.webhook().publicUrl();
    Registrar r = null;
    // Only vtstatus registers a URL; the other APIs take theirs per job on create or in their
    // own settings.
    if (keys != null && url.isPresent() && cfg.protocol().builtin()) {
      r = new Registrar(api, scheduler, listener, url.get(),
          cfg.webhook().secret().orElseGet(Signatures::newSecret), cfg.requestTimeout(),
          serverKeys -> keys.use(serverKeys, cfg.clock().instant().getEpochSecond()),
          cfg.server().toString());
    }
    Registration registration = r == null ? Registration.NONE : r;
    this.registrar = r;
    this.watcher = new Watcher(scheduler, api, cfg.schedule(), listener, registration, cfg.clock(),
        cfg.requestTimeout(), cfg.maxConcurrentRequests(), cfg.longPoll(), cfg.maxHeldReads());
    this.intake = keys == null ? null : new WebhookIntake(watcher, listener, keys,
        cfg.webhookScheme(), cfg.protocol(), cfg.clock(), cfg.maxBodySize(),
        registration::refreshSoon);
    if (bound != null) {
      try {
        bound.start(intake);
      } catch (IOException e) {
        bound.stop(Duration.ZERO);
        releaseThreads();
        throw new UncheckedIOException("cannot start the webhook listener: " + e.getMessage(), e);
      }
    }
    this.webhooks = bound;
  }

  /** Builds the engine and, with webhooks on, starts registering the listener beside polling. */
  public static Engine start(ClientConfig cfg) {
    Engine e = new Engine(cfg);
    if (e.registrar != null) {
      e.registrar.start();
    }
    return e;
  }

  public ClientConfig config() {
    return cfg;
  }

  public Optional<URI> webhookUrl() {
    return webhooks != null ? Optional.of(webhooks.url()) : cfg.webhook().publicUrl();
  }

  /**
   * One delivery fed by the application: checked here, acted on by the client's scheduler, so
   * the caller never waits for the client's work (a user's listener included). {@code 404}
   * when webhooks are disabled, {@code 503} once closed.
   */
  public int acceptWebhook(Map<String, List<String>> headers, byte[] body) {
    if (intake == null) {
      return 404;
    }
    if (closed.get()) {
      return 503;
    }
    WebhookIntake.Verdict v = intake.check(headers, body);
    if (v.act() != null) {
      try {
        executor.execute(v.act());
      } catch (RejectedExecutionException e) {
        return 503;
      }
    }
    return v.code();
  }

  public int activeWatches() {
    return watcher.active();
  }

  /** A started watch, for {@code StatusClient} to hand out or block on. */
  public static final class Handle {
    private final Engine engine;
    private final Watch watch;

    private Handle(Engine engine, Watch watch) {
      this.engine = engine;
      this.watch = watch;
    }

    /**
     * The watch's future for users: completed on the client's callback executor, so their
     * dependents never run on the client's threads. Completing or cancelling it ends the watch.
     */
    public CompletableFuture<JobResult> userFuture() {
      CompletableFuture<JobResult> user = new CompletableFuture<>();
      watch.result.whenComplete((r, e) -> {
        Runnable forward = () -> {
          if (e != null) {
            user.completeExceptionally(e);
          } else {
            user.complete(r);
          }
        };
        try {
          engine.cfg.callbackExecutor().execute(forward);
        } catch (Throwable x) {
          // The user's executor is shut down (or broken); completing here beats never completing.
          if (!(x instanceof RejectedExecutionException)) {
            LOG.log(System.Logger.Level.WARNING, "callback executor threw", x);
          }
          forward.run();
        }
      });
      user.whenComplete((r, e) -> engine.watcher.cancel(watch));
      return user;
    }

    /** Blocks until the watch ends or {@code nanos} pass; true if it ended. */
    public boolean await(long nanos) throws InterruptedException {
      return watch.done.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** The ended watch's result (throws its failure, wrapped). */
    public CompletableFuture<JobResult> result() {
      return watch.result;
    }

    public void cancel() {
      engine.watcher.cancel(watch);
    }
  }

  public Handle watch(String jobId, Duration timeout) {
    return watch(jobId, timeout, false);
  }

  /** As {@link #watch(String, Duration)}; {@code isNew}: the caller says the job was just created. */
  public Handle watch(String jobId, Duration timeout, boolean isNew) {
    URI statusUri = api.statusUri(jobId);
    Watcher.FirstPoll first = isNew || createdHere.get(jobId).isPresent()
        ? Watcher.FirstPoll.SCHEDULED : Watcher.FirstPoll.SOON;
    return new Handle(this, watcher.start(jobId, statusUri, timeout, first));
  }

  /** Watches the server's default job, polled as {@code GET /status}, with a first poll now. */
  public Handle watchDefault(Duration timeout) {
    requireBuiltin("has no default job");
    return new Handle(this, watcher.start(Protocol.DEFAULT_JOB, api.defaultStatusUri(), timeout,
        Watcher.FirstPoll.NOW));
  }

  /** A token for a live watch of {@code jobId}; empty if none. */
  public Optional<String> resumeToken(String jobId) {
    return watcher.anyWatch(jobId).map(w -> w.resumeToken(ResumeToken.serverOf(cfg.server()),
        cfg.protocol().name()).encode());
  }

  /**
   * Continues the wait {@code token} describes, to the same deadline. A deadline already past
   * fails the future at once with {@link io.vtstatus.JobTimeoutException}.
   *
   * @throws IllegalArgumentException for a malformed token, one of another version, server or
   *     protocol, or a job id the protocol refuses
   */
  public CompletableFuture<JobResult> resume(String token) {
    ResumeToken t = ResumeToken.decode(token);
    String here = ResumeToken.serverOf(cfg.server());
    if (!t.server().equals(here)) {
      throw new IllegalArgumentException("Resume token is for another server (" + t.server()
          + "); this client's is " + here);
    }
    if (!t.protocol().equals(cfg.protocol().name())) {
      throw new IllegalArgumentException("Resume token is for protocol " + t.protocol()
          + "; this client speaks " + cfg.protocol().name());
    }
    URI statusUri = api.statusUri(t.jobId());
    java.time.Instant now = cfg.clock().instant();
    Duration waited = Duration.between(t.began(), now);
    if (waited.isNegative()) {
      waited = Duration.ZERO;
    }
    if (t.deadline().isPresent() && !now.isBefore(t.deadline().get())) {
      return CompletableFuture.failedFuture(new io.vtstatus.JobTimeoutException(t.jobId(),
          JobStatus.PENDING, waited, t.polls()));
    }
    Duration timeout = t.deadline().isPresent() ? Duration.between(now, t.deadline().get())
        : Duration.ofNanos(UNBOUNDED_NANOS);
    Watch.Origin origin = new Watch.Origin(t.began(), saturatedNanos(waited), t.polls());
    // The job may have ended while nobody watched it: look within a second, as for any job
    // this client did not create.
    return new Handle(this, watcher.start(t.jobId(), statusUri, timeout, Watcher.FirstPoll.SOON,
        Optional.of(origin))).userFuture();
  }

  public String submit(Optional<Duration> duration, Optional<JobStatus> outcome)
      throws IOException, InterruptedException {
    if (closed.get()) {
      throw new IllegalStateException("client is closed");
    }
    requireBuiltin("cannot create jobs");
    String id = api.submit(duration, outcome, cfg.requestTimeout());
    createdHere.put(id, Boolean.TRUE);
    return id;
  }

  private void requireBuiltin(String what) {
    if (!cfg.protocol().builtin()) {
      throw new IllegalStateException("Protocol " + cfg.protocol().name() + " " + what
          + " (only the vtstatus protocol does)");
    }
  }

  /**
   * Closes in the order that loses nothing: the listener first, letting acknowledgements in
   * progress finish; then registration and every watch (their requests in flight are aborted);
   * then the threads.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (webhooks != null) {
      webhooks.stop(CLOSE_GRACE);
    }
    if (registrar != null) {
      registrar.stop();
    }
    watcher.closeAll();
    releaseThreads();
  }

  private void releaseThreads() {
    transport.close();
    if (ownExecutor) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code d} in nanoseconds, saturated: a century does not overflow. */
  static long saturatedNanos(Duration d) {
    try {
      return Math.min(d.toNanos(), UNBOUNDED_NANOS);
    } catch (ArithmeticException e) {
      return UNBOUNDED_NANOS;
    }
  }
}
