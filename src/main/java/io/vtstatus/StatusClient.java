package io.vtstatus;

import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.client.ClientConfig;
import io.vtstatus.internal.client.Credentials;
import io.vtstatus.internal.client.ProtocolSpec;
import io.vtstatus.internal.client.Engine;
import io.vtstatus.internal.client.Outcomes;
import io.vtstatus.internal.util.Durations;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Tells you when a remote job is done, as soon as the server knows: it listens for a webhook
 * and polls the job's status ({@code GET /status?job=ID}, or where a {@link JobProtocol} says)
 * on a {@link PollSchedule}, asking the server to hold each read ({@linkplain Builder#longPoll
 * long polls}), and the first terminal signal wins.
 *
 * <pre>{@code
 * try (StatusClient client = StatusClient.builder(URI.create("http://127.0.0.1:8080")).build()) {
 *   JobResult r = client.await(client.submit());
 *   System.out.println(r.status() + " via " + r.detectedBy());
 * }
 * }</pre>
 *
 * <p>One client watches any number of jobs on a bounded set of threads: one scheduler (unless
 * you give it {@linkplain Builder#executor yours}), request threads (at most {@linkplain
 * Builder#maxConcurrentRequests maxConcurrentRequests} + 2; each request is a blocking exchange,
 * so a stalled server holds one until the request timeout, never longer; a read the server holds
 * for a {@linkplain Builder#longPoll long poll} holds none), two HTTP I/O threads
 * and the webhook listener's. All of them are daemon threads, so a program that forgets {@link
 * #close()} still exits. It is thread-safe. {@link #close()} stops everything, fails pending
 * watches with {@link CancellationException} and pending requests at once, and ends the threads
 * it started; on Java 17 the JDK {@code HttpClient}'s own selector thread (a daemon) ends a
 * little later, once the client is unreachable (Java 21 and later stop it at once).
 *
 * <p>A job this client did not {@linkplain #submit() create} may have ended before its watch
 * began, and then no webhook will come: its first poll goes out within a second of {@code
 * watch()}, whatever the schedule says. A job it created waits for the schedule's first poll,
 * unless the server has held a read already: then every first read goes out at once.
 *
 * <p>The deadline is a promise: a watch ends by its timeout (plus scheduling slack) with the
 * answer or with {@link JobTimeoutException}, whatever the server does: every request, body
 * included, is bounded by the request timeout and by the time the watch has left, and each
 * watch has a deadline timer of its own.
 *
 * <p>Outcomes are kept apart: a job that ended in error completes normally with {@link
 * JobStatus#ERROR}; giving up is a {@link JobTimeoutException}; an unknown job is a {@link
 * JobNotFoundException}; an unusable answer is a {@link ProtocolException}.
 */
public final class StatusClient implements AutoCloseable {
  private final Engine engine;

  private StatusClient(ClientConfig config) {
    this.engine = Engine.start(config);
  }

  /**
   * A builder for a client of the server at {@code server} (e.g. {@code http://127.0.0.1:8080}).
   *
   * @param server the server's URI
   * @return a new builder
   */
  public static Builder builder(URI server) {
    return new Builder(server);
  }

  /**
   * The original Go client's entry point: a client of {@code serverUrl} whose webhook listener
   * uses {@code webhookPort} on loopback. Use {@link #startClientWithWebhook()} next.
   *
   * @param serverUrl the server's URL, such as {@code http://127.0.0.1:8080}
   * @param webhookPort the listener's port on loopback, 0 for any free one
   * @return the client, built with the defaults otherwise
   */
  public static StatusClient create(String serverUrl, int webhookPort) {
    return builder(URI.create(serverUrl)).webhook(WebhookOptions.port(webhookPort)).build();
  }

  /**
   * Like the original {@code StartClientWithWebhook}, and one-shot like it: waits for the
   * server's default job ({@code GET /status} without a job id), polling at once and on the
   * schedule while the listener registers beside it, returns the job's terminal status, and
   * closes this client (its threads and port are released before this returns).
   *
   * @return the default job's terminal status
   * @throws JobTimeoutException if the job is still pending after this client's timeout
   * @throws IOException if the server answers something unusable
   * @throws InterruptedException if interrupted while waiting (the watch is cancelled)
   * @throws IllegalStateException if the client is already closed
   */
  public JobStatus startClientWithWebhook()
      throws IOException, JobTimeoutException, InterruptedException {
    try {
      return join(Protocol.DEFAULT_JOB, engine.watchDefault(engine.config().timeout()),
          engine.config().timeout()).status();
    } finally {
      close();
    }
  }

  /**
   * Starts watching {@code jobId}. The future completes with the job's terminal status, or
   * exceptionally with {@link JobTimeoutException}, {@link JobNotFoundException}, {@link
   * ProtocolException}, or {@link CancellationException} when the client closes. Cancelling it
   * stops this watch's polls at once. Uses the client's {@linkplain Builder#timeout timeout}.
   *
   * <p>The future completes on the {@linkplain Builder#callbackExecutor callback executor}, so
   * what you chain to it never runs on (or blocks) the client's own threads.
   *
   * @param jobId the job's id
   * @return the watch's future
   * @throws IllegalArgumentException if {@code jobId} is not {@code [A-Za-z0-9._-]{1,128}}
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<JobResult> watch(String jobId) {
    return engine.watch(jobId, engine.config().timeout()).userFuture();
  }

  /**
   * As {@link #watch(String)}, giving up after {@code timeout} instead of the client's default.
   *
   * @param jobId the job's id
   * @param timeout how long to wait at most
   * @return the watch's future
   */
  public CompletableFuture<JobResult> watch(String jobId, Duration timeout) {
    return engine.watch(jobId, positive(timeout, "timeout")).userFuture();
  }

  /**
   * As {@link #watch(String)}, for a job the caller has just created elsewhere (with another
   * client, its own HTTP call, a queue): the client treats it as one it {@link #submit()}ted, so
   * the first poll waits for the schedule instead of coming within a second (the look a watch
   * takes at a job that may have ended before it began). Saying so of a job that has in fact
   * ended already costs only detection time: it is seen at the schedule's first poll.
   *
   * @param jobId the job's id
   * @return the watch's future
   */
  public CompletableFuture<JobResult> watchNew(String jobId) {
    return engine.watch(jobId, engine.config().timeout(), true).userFuture();
  }

  /**
   * A token from which {@link #resume(String)} continues the wait for {@code jobId}, in this
   * process or another one (after a restart, a retried CI step): a short versioned text with
   * this client's server (scheme, host, port and path only), its protocol's name, the job id, the
   * wait's absolute deadline, the polls so far and when the wait began. It holds no credential,
   * header or key. Empty if no watch of {@code jobId} is live. Store it as you would the job id.
   *
   * @param jobId the job's id
   * @return the token, or empty if no watch of {@code jobId} is live
   */
  public Optional<String> resumeToken(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    return engine.resumeToken(jobId);
  }

  /**
   * Continues the wait {@code token} (from {@link #resumeToken(String)}) describes, as {@link
   * #watch(String, Duration)} would, to the same deadline: the job's first read is within a
   * second, and the result's {@link JobResult#waited()} and {@link JobResult#polls()} count
   * from the first watch. A deadline already past fails the future at once with {@link
   * JobTimeoutException}. The client needs the same server and protocol, not the same
   * credentials (it uses its own).
   *
   * @param token a token from {@link #resumeToken(String)}
   * @return the wait's future, as {@link #watch(String)} returns it
   * @throws IllegalArgumentException if the token is malformed, of another version, for another
   *     server or protocol (the message says which)
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<JobResult> resume(String token) {
    return engine.resume(Objects.requireNonNull(token, "token"));
  }

  /**
   * Blocks until {@code jobId} ends; see {@link #await(String, Duration)}.
   *
   * @param jobId the job's id
   * @return how the job ended
   * @throws IOException as {@link #await(String, Duration)}
   * @throws JobTimeoutException if it is still pending after the client's timeout
   * @throws InterruptedException if interrupted (the watch is cancelled)
   */
  public JobResult await(String jobId) throws IOException, JobTimeoutException, InterruptedException {
    return await(jobId, engine.config().timeout());
  }

  /**
   * Blocks until {@code jobId} ends and returns how. A job that ended in error returns normally
   * with {@link JobStatus#ERROR}. Returns by {@code timeout} (plus scheduling slack) whatever
   * the server does, and does not depend on the callback executor.
   *
   * @param jobId the job's id
   * @param timeout how long to wait at most
   * @return how the job ended
   * @throws JobTimeoutException if it is still pending after {@code timeout} (carries the last
   *     status seen)
   * @throws JobNotFoundException if the server does not know the job
   * @throws ProtocolException if the server's answers are unusable
   * @throws InterruptedException if interrupted (the watch is cancelled)
   * @throws CancellationException if the client is closed meanwhile
   */
  public JobResult await(String jobId, Duration timeout)
      throws IOException, JobTimeoutException, InterruptedException {
    return join(jobId, engine.watch(jobId, positive(timeout, "timeout")), timeout);
  }

  /**
   * Creates a job on servers that support it ({@code POST /jobs}) and returns its id. Retried
   * safely: the request carries an {@code Idempotency-Key}. A watch of a job created here (within
   * the last 10 minutes) waits for the schedule's first poll: it is known to be running.
   *
   * @return the new job's id
   * @throws IOException if the server refuses or cannot be reached
   * @throws InterruptedException if interrupted while waiting for the answer
   */
  public String submit() throws IOException, InterruptedException {
    return engine.submit(Optional.empty(), Optional.empty());
  }

  /**
   * Creates a job that takes {@code duration} and ends with {@code outcome}, on servers that
   * accept those fields (our simulator does).
   *
   * @param duration how long the job runs
   * @param outcome how it ends: {@link JobStatus#COMPLETED} or {@link JobStatus#ERROR}
   * @return the new job's id
   * @throws IOException if the server refuses or cannot be reached
   * @throws InterruptedException if interrupted while waiting for the answer
   */
  public String submit(Duration duration, JobStatus outcome) throws IOException, InterruptedException {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(outcome, "outcome");
    if (!outcome.isTerminal()) {
      throw new IllegalArgumentException("outcome must be terminal: " + outcome);
    }
    return engine.submit(Optional.of(duration), Optional.of(outcome));
  }

  /**
   * Hands the client one webhook delivery your own HTTP server received, and returns the HTTP
   * status to answer the sender with: {@code 204} accepted, {@code 202} accepted as a hint (an
   * unsigned delivery, confirmed by one status read before it ends anything), {@code 400}
   * malformed, {@code 401} refused (forged, tampered, stale, a wrong shared header), {@code 413}
   * larger than {@linkplain Builder#maxBodySize maxBodySize}; {@code 404} if webhooks are
   * {@linkplain WebhookOptions#disabled() disabled}, {@code 503} once the client is closed. A
   * delivery seen before (the same verified {@code webhook-id}) is acknowledged and ignored.
   *
   * <pre>{@code
   * server.createContext("/hooks/replicate", exchange -> {
   *   byte[] body = exchange.getRequestBody().readNBytes(1 << 20);
   *   exchange.sendResponseHeaders(client.acceptWebhook(exchange.getRequestHeaders(), body), -1);
   *   exchange.close();
   * });
   * }</pre>
   *
   * <p>It verifies the body's bytes as received, with the scheme of the client's {@link
   * WebhookOptions}, reads them with its {@link JobProtocol}, and returns; what the delivery
   * does (ending watches, {@link JobListener} calls) runs afterwards on the client's scheduler, so
   * this call never waits for the client's work. It never throws: null or malformed input is a
   * {@code 400}. Thread-safe; the built-in listener uses the same path. Header names are matched
   * whatever their case.
   *
   * @param headers the delivery's request headers
   * @param body the delivery's body, exactly the bytes received
   * @return the HTTP status to answer the sender with
   */
  public int acceptWebhook(Map<String, List<String>> headers, byte[] body) {
    return engine.acceptWebhook(headers, body);
  }

  /**
   * The URL webhooks are registered as: the listener's, or {@link WebhookOptions#inbound(URI)}'s;
   * empty without either.
   *
   * @return the URL webhooks are registered as
   */
  public Optional<URI> webhookUrl() {
    return engine.webhookUrl();
  }

  /**
   * The server this client talks to.
   *
   * @return the server this client talks to
   */
  public URI server() {
    return engine.config().server();
  }

  /**
   * The number of watches not yet ended.
   *
   * @return the number of watches not yet ended
   */
  public int activeWatches() {
    return engine.activeWatches();
  }

  /**
   * Stops the client: the webhook listener first, letting the acknowledgements it is sending
   * finish (up to a second), so a sender whose delivery ended your wait still gets its 2xx;
   * then registration, then every pending watch, which fails with {@link
   * CancellationException} (its request in flight is aborted); then the client's threads (a
   * request still waiting for one fails at once, a blocked {@link #submit()} included). It
   * waits for the listener's and its own scheduler's threads to end (up to 5 s each), never
   * for a {@linkplain Builder#executor scheduler of yours}. Idempotent. If interrupted while
   * waiting, returns early with the interrupt flag set.
   */
  @Override
  public void close() {
    engine.close();
  }

  /** How long past its deadline {@code await} waits for a watch's own timer before giving up. */
  private static final Duration AWAIT_SLACK = Duration.ofSeconds(2);

  private JobResult join(String jobId, Engine.Handle h, Duration timeout)
      throws IOException, JobTimeoutException, InterruptedException {
    // The watch ends itself by its deadline (its own timer); the latch's bound only guards
    // against that machinery failing to answer at all.
    long limit = saturatedNanos(timeout);
    long slack = saturatedNanos(AWAIT_SLACK);
    try {
      if (!h.await(limit > Long.MAX_VALUE - slack ? Long.MAX_VALUE : limit + slack)) {
        h.cancel();
        throw new JobTimeoutException(jobId, JobStatus.PENDING, timeout, 0);
      }
    } catch (InterruptedException e) {
      h.cancel();
      throw e;
    }
    try {
      return h.result().get();
    } catch (ExecutionException e) {
      throw Outcomes.unwrap(e);
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("Invalid duration for " + what + ": " + d);
    }
    return d;
  }

  /** The longest status read the client asks a server to hold by default ({@link Builder#longPoll}). */
  public static final Duration DEFAULT_LONG_POLL = Duration.ofSeconds(50);

  /** The longest {@link Builder#requestTimeout} accepted. */
  public static final Duration MAX_REQUEST_TIMEOUT = Duration.ofHours(1);
  /** The largest {@link Builder#maxBodySize} accepted: 64 MiB. */
  public static final int MAX_BODY_SIZE = 64 << 20;

  /**
   * Configures a {@link StatusClient}. Setters validate at once and are named after the
   * property; {@link #build()} copies, so a builder can be reused.
   */
  public static final class Builder {
    private final URI server;
    private WebhookOptions webhook = WebhookOptions.port(0);
    private PollSchedule schedule;
    private Duration timeout = Duration.ofMinutes(10);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private ScheduledExecutorService executor;
    private Executor callbackExecutor = ForkJoinPool.commonPool();
    private Clock clock = Clock.systemUTC();
    private JobListener listener = new JobListener() {};
    private int maxConcurrentRequests = 8;
    private Duration longPoll = DEFAULT_LONG_POLL;
    private int maxHeldReads = 10_000;
    private boolean webhookChosen;
    private JobProtocol protocol = JobProtocol.vtstatus();
    private Credentials credentials = Credentials.NONE;
    private int maxBodySize;

    private Builder(URI server) {
      Objects.requireNonNull(server, "server");
      String scheme = server.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
          || server.getHost() == null) {
        throw new IllegalArgumentException("Invalid server URI (need http://host[:port]): " + server);
      }
      // Paths are appended to it ("/status", a protocol's templates): a query or fragment would
      // end up in the middle of every URL.
      if (server.getRawQuery() != null || server.getRawFragment() != null) {
        throw new IllegalArgumentException("Invalid server URI (no query or fragment: paths are"
            + " appended to it; put parameters in a JobProtocol template): " + server);
      }
      this.server = server;
    }

    /**
     * How to receive webhooks. Default: {@code WebhookOptions.port(0)}, a free loopback port,
     * registered with the server at start-up. {@link WebhookOptions#inbound()}: your own server
     * receives them and feeds {@link StatusClient#acceptWebhook}. {@link
     * WebhookOptions#disabled()} polls only.
     *
     * @param options how webhooks are received
     * @return this builder
     */
    public Builder webhook(WebhookOptions options) {
      this.webhook = Objects.requireNonNull(options, "options");
      this.webhookChosen = true;
      return this;
    }

    /**
     * How to ask for a job's status and read the answer. Default: {@link JobProtocol#vtstatus()}.
     * A client with another protocol polls only unless {@link #webhook} is set (and {@link
     * #build()} refuses webhooks for a protocol that declares no webhook body); {@link
     * StatusClient#submit()} and {@link StatusClient#startClientWithWebhook()} throw {@link
     * IllegalStateException}.
     *
     * @param protocol the protocol
     * @return this builder
     */
    public Builder protocol(JobProtocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * A header sent with every request to the status URL's origin (scheme, host and port), and
     * nowhere else: for credentials, such as {@code header("Authorization", "Bearer " + token)}.
     * The value is never logged, quoted in an exception or a listener event, or printed by
     * {@code toString()}. Setting a name again replaces its value.
     *
     * @param name the header's name
     * @param value the header's value
     * @return this builder
     * @throws IllegalArgumentException for a name that is not an HTTP token or one the client
     *     sets itself ({@code Host}, {@code Accept}, {@code Content-Type}...), or a value with a
     *     line break or control character (the message does not quote the value)
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(value, "value");
      this.credentials = credentials.with(name, () -> value, false);
      return this;
    }

    /**
     * As {@link #header(String, String)}, the value asked of {@code value} for every request, for
     * tokens that rotate. A {@code 401} or {@code 403} answer is retried once with a fresh value
     * before it ends the watch with {@link CredentialsRefusedException}. A supplier that throws,
     * or gives null or a value with a line break, fails the watch with a {@link
     * ProtocolException}. Called on the client's threads: return quickly.
     *
     * @param name the header's name
     * @param value asked for the header's value before every request
     * @return this builder
     */
    public Builder header(String name, Supplier<String> value) {
      Objects.requireNonNull(value, "value");
      this.credentials = credentials.with(name, value, true);
      return this;
    }

    /**
     * The largest status answer read, in bytes; a larger one ends the watch with a {@link
     * ProtocolException} naming the bound. Default 64 KiB with {@link JobProtocol#vtstatus()}
     * (its answers are tiny), 1 MiB with another protocol (Replicate's logs make large answers
     * normal);
     * at most {@value #MAX_BODY_SIZE}.
     *
     * @param bytes the largest answer read, in bytes
     * @return this builder
     */
    public Builder maxBodySize(int bytes) {
      if (bytes < 1024 || bytes > MAX_BODY_SIZE) {
        throw new IllegalArgumentException("Invalid maxBodySize (1024.." + MAX_BODY_SIZE + " bytes): "
            + bytes);
      }
      this.maxBodySize = bytes;
      return this;
    }

    /**
     * The poll schedule shared by every job. Default: {@link PollSchedule#adaptive()}.
     *
     * @param schedule the schedule
     * @return this builder
     */
    public Builder pollSchedule(PollSchedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * How long a watch waits in all before {@link JobTimeoutException}. Default 10 minutes. A
     * timeout of about 73 years or more (such as {@code ChronoUnit.FOREVER.getDuration()})
     * means no limit.
     *
     * @param timeout how long a watch waits in all, positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * How long one HTTP request may take in all: connecting, the headers and the whole body.
     * Default 10 seconds, at most an hour. A watch's last request is cut shorter, to end by the
     * watch's deadline.
     *
     * @param timeout the longest one request may take, positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      positive(timeout, "requestTimeout");
      if (timeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
        throw new IllegalArgumentException("Invalid requestTimeout (at most "
            + MAX_REQUEST_TIMEOUT + "): " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * The scheduler for poll and deadline timers. The client never shuts it down, and takes a
     * watch's timers out of it when the watch ends (from a {@link
     * java.util.concurrent.ThreadPoolExecutor}, such as a {@code ScheduledThreadPoolExecutor};
     * any other keeps a few bytes per cancelled timer until its time, never the watch). The
     * client's timer tasks and, for timers, its {@link JobListener} and {@link PollSchedule}
     * calls run on its threads: keep it free of long tasks. Default: one named daemon thread of
     * the client's own, stopped by {@link #close()}.
     *
     * @param executor the scheduler for timers
     * @return this builder
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Where the futures returned by {@link StatusClient#watch} complete, and so where what you
     * chain to them runs. Default: {@link ForkJoinPool#commonPool()}. The client's own threads
     * never run your continuations, so a continuation that blocks cannot stall other watches;
     * {@link StatusClient#await} does not use this executor at all.
     *
     * @param executor where the futures complete
     * @return this builder
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The wall clock used to check webhook timestamps. Default: the system UTC clock.
     *
     * @param clock the wall clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Receives the client's events (polls, status changes, webhooks, completions).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(JobListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The longest a status read asks the server to hold it, as {@code Prefer: wait=N} (RFC
     * 7240, whole seconds); default 50 s, below the 60 s idle timeout common in proxies; {@link
     * Duration#ZERO} sends no {@code Prefer}. A server that honours it answers {@code
     * Preference-Applied} when the job changes or the wait is over, and the client reads again
     * at once; one that ignores it answers at once and the {@link PollSchedule} governs, at no
     * extra request. Each read asks for no more than the watch has left (less the {@link
     * #requestTimeout}), and may take that wait plus the request timeout. A path that cuts held
     * reads is no failure: reads are held shorter from then on ({@link JobListener#longPollCut}).
     * The first read of a server is sent like any poll; once the server has held one, later
     * reads go out without a request permit or a request thread while the server holds them, up
     * to {@link #maxHeldReads} at once.
     *
     * @param wait the longest hold to ask for, {@link Duration#ZERO} for none
     * @return this builder
     * @throws IllegalArgumentException for a negative value, one over an hour, or one with a
     *     fraction of a second
     */
    public Builder longPoll(Duration wait) {
      this.longPoll = Durations.wholeSeconds(wait, "longPoll", Duration.ofHours(1));
      return this;
    }

    /**
     * The most HTTP requests in flight at once (threads of the request pool). Default 8: keep
     * it below the server's idle-connection limit. Reads a server holds for a {@link #longPoll}
     * are not counted once the server has held one: they are bounded by {@link #maxHeldReads}.
     *
     * @param n the most requests in flight, at least 1
     * @return this builder
     */
    public Builder maxConcurrentRequests(int n) {
      if (n < 1 || n > 1024) {
        throw new IllegalArgumentException("Invalid maxConcurrentRequests: " + n);
      }
      this.maxConcurrentRequests = n;
      return this;
    }

    /**
     * The most status reads the server is expected to hold ({@link #longPoll}) in flight at
     * once, beside the {@link #maxConcurrentRequests}; default 10,000. Such a read holds one
     * connection and no thread while it waits; beyond this bound it waits for a request permit
     * like any poll. Each held read is one open socket on each side: keep it below the file
     * descriptor limit ({@code ulimit -n}) of both processes. Zero sends every read through the
     * request permits.
     *
     * @param n the most held reads in flight, 0 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException for a negative value or one over 1,000,000
     */
    public Builder maxHeldReads(int n) {
      if (n < 0 || n > 1_000_000) {
        throw new IllegalArgumentException("Invalid maxHeldReads: " + n);
      }
      this.maxHeldReads = n;
      return this;
    }

    /**
     * Builds and starts the client: the webhook listener binds now (failing with {@link
     * java.io.UncheckedIOException} if the port is taken) and registers in the background.
     *
     * @return the started client
     */
    public StatusClient build() {
      ProtocolSpec spec = protocol.spec();
      WebhookOptions hooks = webhook;
      if (!spec.builtin()) {
        if (!webhookChosen) {
          hooks = WebhookOptions.disabled();
        } else if (webhook.enabled() && !spec.readsWebhooks()) {
          throw new IllegalStateException("Protocol " + spec.name() + " declares no webhook body"
              + " (JobProtocol.Builder.webhookJobId...): use WebhookOptions.disabled()");
        }
      }
      int body = maxBodySize > 0 ? maxBodySize : spec.defaultMaxBody();
      return new StatusClient(new ClientConfig(
          server,
          hooks,
          schedule == null ? PollSchedule.adaptive() : schedule,
          timeout,
          requestTimeout,
          Optional.ofNullable(executor),
          callbackExecutor,
          clock,
          listener,
          maxConcurrentRequests,
          spec,
          credentials,
          body,
          hooks.scheme(),
          longPoll,
          maxHeldReads));
    }
  }
}
