package io.vtstatus.simulator;

import io.vtstatus.JobProtocol;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.sim.Config;
import io.vtstatus.internal.sim.StandIn;
import io.vtstatus.internal.sim.Simulator;
import io.vtstatus.internal.util.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A simulated job-status backend speaking wire protocol v1 ({@code docs/PROTOCOL.md}), or standing
 * in for another API a {@link io.vtstatus.JobProtocol} declares ({@link Builder#protocol}), for
 * tests and demos; shaped like OkHttp's {@code MockWebServer}.
 *
 * <pre>{@code
 * try (SimulatorServer sim = SimulatorServer.builder()
 *     .delay(JobDurations.fixed(Duration.ofMillis(200)))
 *     .build()
 *     .start()) {
 *   String job = sim.submit();
 *   URI status = sim.url("/status?job=" + job);
 *   ...
 *   RecordedRequest first = sim.takeRequest(Duration.ofSeconds(5)).orElseThrow();
 * }
 * }</pre>
 *
 * <p>Thread-safe. A server starts once; after {@link #close()} it cannot be restarted, but its
 * records ({@link #takeRequest}, {@link #takeDelivery}, counts, {@link #status}) stay readable.
 */
public final class SimulatorServer implements AutoCloseable {
  private final Config config;
  private final Object lock = new Object();
  private volatile Simulator engine;
  private boolean closed;

  private SimulatorServer(Config config) {
    this.config = config;
  }

  /**
   * A builder with the defaults of the original simulator: jobs take 5 s..15 s, no faults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the configured address and starts serving.
   *
   * @return this server
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if started before, or closed
   */
  public SimulatorServer start() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("simulator is closed; build a new one");
      }
      if (engine != null) {
        throw new IllegalStateException("simulator already started");
      }
      engine = Simulator.start(config);
    }
    return this;
  }

  private Simulator engine() {
    Simulator e = engine;
    if (e == null) {
      throw new IllegalStateException("simulator not started");
    }
    return e;
  }

  /**
   * The base URL, e.g. {@code http://127.0.0.1:54321}.
   *
   * @return the base URL
   */
  public URI url() {
    Simulator e = engine();
    String host = e.host().contains(":") ? "[" + e.host() + "]" : e.host();
    return URI.create("http://" + host + ":" + e.port());
  }

  /**
   * The URL of {@code path} (which may carry a query) on this server.
   *
   * @param path e.g. {@code /status?job=job_1}; a missing leading {@code /} is added
   * @return the URL of {@code path} (which may carry a query) on this server
   */
  public URI url(String path) {
    Objects.requireNonNull(path, "path");
    return URI.create(url() + (path.startsWith("/") ? path : "/" + path));
  }

  /**
   * The bound port.
   *
   * @return the bound port
   */
  public int port() {
    return engine().port();
  }

  /**
   * Starts a job with the configured delay and error rate; returns its id.
   *
   * @return the new job's id
   * @throws IllegalStateException if the server holds {@link Builder#maxJobs} jobs, all pending
   */
  public String submit() {
    return engine().submit();
  }

  /**
   * Starts a job that ends with {@code outcome} after {@code duration}.
   *
   * @param duration how long the job runs, not negative
   * @param outcome how it ends: {@link JobStatus#COMPLETED} or {@link JobStatus#ERROR}
   * @return the new job's id
   * @throws IllegalArgumentException if {@code outcome} is not terminal or the duration is
   *     negative or over 30 days
   * @throws IllegalStateException if the server holds {@link Builder#maxJobs} jobs, all pending
   *     (an ended job would have been evicted to make room)
   */
  public String submit(Duration duration, JobStatus outcome) {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(outcome, "outcome");
    if (duration.isNegative() || duration.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("Invalid duration: " + duration);
    }
    if (!outcome.isTerminal()) {
      throw new IllegalArgumentException("outcome must be COMPLETED or ERROR, not " + outcome);
    }
    return engine().submit(duration, outcome);
  }

  /**
   * Ends job {@code id} now with {@code outcome} and sends its webhooks.
   *
   * @param id the job's id
   * @param outcome how it ends: {@link JobStatus#COMPLETED} or {@link JobStatus#ERROR}
   * @return true if this ended the job, false if it had ended already
   * @throws IllegalArgumentException if the job is unknown or {@code outcome} is not terminal
   */
  public boolean complete(String id, JobStatus outcome) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(outcome, "outcome");
    if (!outcome.isTerminal()) {
      throw new IllegalArgumentException("outcome must be COMPLETED or ERROR, not " + outcome);
    }
    return engine().complete(id, outcome);
  }

  /**
   * Job {@code id}'s status now, empty if there is no such job (or it expired or was evicted).
   *
   * @param id the job's id
   * @return job {@code id}'s status now, empty if there is no such job
   */
  public Optional<JobStatus> status(String id) {
    return engine().status(Objects.requireNonNull(id, "id"));
  }

  /**
   * The number of jobs the server holds: pending ones and ended ones not yet expired or evicted
   * (the default job included once created). Never more than {@link Builder#maxJobs}.
   *
   * @return the number of jobs the server holds
   */
  public int jobCount() {
    return engine().jobCount();
  }

  /**
   * The number of ended jobs removed so far, expired ({@link Builder#retain}) or evicted.
   *
   * @return the number of ended jobs removed so far
   */
  public long removedJobCount() {
    return engine().removedJobCount();
  }

  /**
   * The number of {@code GET /status} reads held now ({@code Prefer: wait=N} with {@link
   * Builder#maxWait} on), each waiting for its job to end or its wait to run out.
   *
   * @return the number of reads held now
   */
  public int heldReads() {
    return engine().heldReads();
  }

  /**
   * The number of webhook registrations in force.
   *
   * @return the number of webhook registrations in force
   */
  public int webhookCount() {
    return engine().webhookCount();
  }

  /**
   * Every HTTP request received so far, good or bad.
   *
   * @return the number of HTTP requests received so far
   */
  public long requestCount() {
    return engine().requestCount();
  }

  /**
   * The number of {@code GET /status} requests for job {@code jobId} (including those answered
   * with a simulated failure); {@code "default"} counts the job-less form. 0 for an unknown job.
   *
   * @param jobId the job's id
   * @return the number of {@code GET /status} requests for job {@code jobId}
   */
  public int statusRequests(String jobId) {
    return engine().statusRequests(Objects.requireNonNull(jobId, "jobId"));
  }

  /**
   * The oldest request not yet taken, waiting up to {@code timeout} for one. The server keeps
   * the latest 10,000 requests within 4 MiB (estimated), each cut to {@link RecordedRequest}'s
   * bounds; older ones are dropped.
   *
   * @param timeout how long to wait for one
   * @return the oldest request not yet taken, or empty if none came in time
   * @throws InterruptedException if interrupted while waiting
   */
  public Optional<RecordedRequest> takeRequest(Duration timeout) throws InterruptedException {
    return engine().takeRequest(Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * The oldest webhook delivery attempt not yet taken (success, failure or drop), waiting up to
   * {@code timeout} for one. The server keeps the latest 10,000 within 4 MiB (estimated).
   *
   * @param timeout how long to wait for one
   * @return the oldest delivery attempt not yet taken, or empty if none came in time
   * @throws InterruptedException if interrupted while waiting
   */
  public Optional<WebhookDelivery> takeDelivery(Duration timeout) throws InterruptedException {
    return engine().takeDelivery(Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * Webhook delivery attempts so far, including failed and dropped ones.
   *
   * @return the number of delivery attempts so far
   */
  public long deliveryCount() {
    return engine().deliveryCount();
  }

  /**
   * Webhook delivery attempts dropped unsent because their registration's queue was full (each
   * is also recorded, with failure {@code "dropped: queue full"}). A registration holds at most
   * 100,000 waiting attempts and its share of 256 in flight; when full, its oldest waiting retry
   * goes first.
   *
   * @return the number of delivery attempts dropped unsent
   */
  public long droppedDeliveryCount() {
    return engine().droppedDeliveryCount();
  }

  /**
   * Stops serving, cancels pending timers and webhook deliveries and ends the server's threads.
   * Idempotent; if interrupted while waiting for threads, restores the interrupt flag.
   */
  @Override
  public void close() {
    Simulator e;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      e = engine;
    }
    if (e != null) {
      e.close();
    }
  }

  @Override
  public String toString() {
    Simulator e = engine;
    return "SimulatorServer[" + (e == null ? "not started" : url().toString())
        + (closed ? ", closed" : "") + "]";
  }

  /** How the simulator signs webhook deliveries ({@link Builder#signing}). */
  public enum Signing {
    /** HMAC-SHA256 with the registration's {@code whsec_} secret. */
    V1,
    /** Ed25519 with a key pair per registration; receivers verify with its {@code whpk_}. */
    V1A,
    /** Both signatures on every delivery. */
    BOTH
  }

  /**
   * Configures a {@link SimulatorServer}. Each setter validates its argument; {@link #build()}
   * copies the configuration, so a builder can be reused. Not thread-safe.
   */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 0;
    private JobDurations delay = JobDurations.uniform(Duration.ofSeconds(5), Duration.ofSeconds(15));
    private double errorRate;
    private boolean hints;
    private double failRate;
    private double throttleRate;
    private Duration latencyMin = Duration.ZERO;
    private Duration latencyMax = Duration.ZERO;
    private double dropWebhooks;
    private double duplicateWebhooks;
    private List<Duration> webhookRetries =
        List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2),
            Duration.ofSeconds(10), Duration.ofSeconds(30));
    private Duration webhookTimeout = Duration.ofSeconds(5);
    private Duration retain = Duration.ofHours(1);
    private int maxJobs = 100_000;
    private int maxWebhooks = 1_000;
    private Signing signing = Signing.V1;
    private Duration rotationOverlap = Duration.ofHours(24);
    private Optional<Long> seed = Optional.empty();
    private Clock clock = Clock.systemUTC();
    private Optional<PrintStream> log = Optional.empty();
    private Optional<StandIn> standIn = Optional.empty();
    private Optional<String[]> webhookHeader = Optional.empty();
    private Optional<String> apiKey = Optional.empty();
    private Duration maxWait = Config.DEFAULT_MAX_WAIT;

    private Builder() {}

    /**
     * The API the simulator stands in for: {@link JobProtocol#vtstatus()} (the default) or a
     * declared protocol, such as {@link JobProtocol#replicate()}. Its status path answers in that
     * protocol's shape (every status answer does, {@code /status?job=ID} too) with every word of
     * its vocabulary: pending words in turn as a job runs, one of the failed words per failed
     * job; the output and error fields are filled in; {@code POST /jobs} answers a job in that
     * shape and, for the four built-in profiles, with that API's id shape.
     *
     * @param protocol the protocol to stand in for
     * @return this builder
     * @throws IllegalArgumentException for a declared protocol whose status URL is absolute or
     *     has a query (the simulator serves paths)
     */
    public Builder protocol(JobProtocol protocol) {
      Objects.requireNonNull(protocol, "protocol");
      if (protocol.statusPointer().isEmpty()) {
        this.standIn = Optional.empty();
        return this;
      }
      this.standIn = Optional.of(StandIn.of(protocol.name(), protocol.statusUrl(),
          protocol.statusPointer().get(), protocol.words(), protocol.outputPointer(),
          protocol.errorPointer()));
      return this;
    }

    /**
     * The static header an API that authenticates its webhooks with one (AssemblyAI's {@code
     * webhook_auth_header_name} / {@code _value}) sends with every delivery; without it such
     * deliveries carry none. Other APIs ignore it: Replicate and OpenAI sign with Standard
     * Webhooks, HeyGen's per-job callbacks are unsigned. The value is never printed.
     *
     * @param name the header's name
     * @param value the header's value
     * @return this builder
     * @throws IllegalArgumentException for a name that is not an HTTP token, or an empty value or
     *     one with control characters
     */
    public Builder webhookHeader(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != ':')
          || value.isEmpty() || !value.chars().allMatch(c -> c >= ' ' && c < 0x7f)) {
        throw new IllegalArgumentException("Invalid webhook header " + name
            + ": the name must be a token, the value printable ASCII");
      }
      this.webhookHeader = Optional.of(new String[] {name, value});
      return this;
    }

    /**
     * Demands {@code key} on status requests and {@code POST /jobs}, in the header the API wants
     * ({@code Authorization: Bearer KEY} for vtstatus, Replicate, OpenAI and other declared
     * protocols; {@code X-Api-Key: KEY} for HeyGen; {@code Authorization: KEY} for AssemblyAI);
     * without it, {@code 401}.
     *
     * @param key the key requests must carry
     * @return this builder
     */
    public Builder apiKey(String key) {
      Objects.requireNonNull(key, "key");
      if (key.isEmpty() || !key.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
        throw new IllegalArgumentException("Invalid API key: empty, or not printable ASCII");
      }
      this.apiKey = Optional.of(key);
      return this;
    }

    /**
     * The address to bind; default {@code 127.0.0.1}.
     *
     * @param host the address to bind
     * @return this builder
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("Invalid host: empty");
      }
      this.host = host;
      return this;
    }

    /**
     * The port to bind, 0 (the default) for any free port.
     *
     * @param port the port, 0 for any free one
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("Invalid port: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * How long jobs stay pending; default uniform 5 s..15 s.
     *
     * @param delay how long each job takes
     * @return this builder
     */
    public Builder delay(JobDurations delay) {
      this.delay = Objects.requireNonNull(delay, "delay");
      return this;
    }

    /**
     * The fraction of jobs (0..1) that end in {@code error}; default 0.
     *
     * @param errorRate the fraction, 0..1
     * @return this builder
     */
    public Builder errorRate(double errorRate) {
      this.errorRate = rate("errorRate", errorRate);
      return this;
    }

    /**
     * Whether pending {@code /status} answers carry {@code progress}, {@code eta_ms} and {@code
     * Retry-After}; default false.
     *
     * @param hints whether answers carry hints
     * @return this builder
     */
    public Builder hints(boolean hints) {
      this.hints = hints;
      return this;
    }

    /**
     * The fraction of {@code /status} requests (0..1) answered 503 with {@code Retry-After: 1}.
     *
     * @param failRate the fraction, 0..1
     * @return this builder
     */
    public Builder failRate(double failRate) {
      this.failRate = rate("failRate", failRate);
      return this;
    }

    /**
     * The fraction of {@code /status} requests (0..1) answered 429 with {@code Retry-After: 1}.
     *
     * @param throttleRate the fraction, 0..1
     * @return this builder
     */
    public Builder throttleRate(double throttleRate) {
      this.throttleRate = rate("throttleRate", throttleRate);
      return this;
    }

    /**
     * Delays every response by a uniform random time in {@code [min, max]}, without holding a
     * server thread; default none.
     *
     * @param min the shortest delay
     * @param max the longest delay, at least {@code min}
     * @return this builder
     */
    public Builder latency(Duration min, Duration max) {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      if (min.isNegative() || max.compareTo(min) < 0 || max.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("Invalid latency: " + min + ".." + max);
      }
      this.latencyMin = min;
      this.latencyMax = max;
      return this;
    }

    /**
     * The fraction of webhook attempts (0..1) silently not sent; they are retried as failures.
     *
     * @param dropWebhooks the fraction, 0..1
     * @return this builder
     */
    public Builder dropWebhooks(double dropWebhooks) {
      this.dropWebhooks = rate("dropWebhooks", dropWebhooks);
      return this;
    }

    /**
     * The fraction of successful webhook deliveries (0..1) sent a second time with the same
     * {@code webhook-id}, to test a receiver's idempotency.
     *
     * @param duplicateWebhooks the fraction, 0..1
     * @return this builder
     */
    public Builder duplicateWebhooks(double duplicateWebhooks) {
      this.duplicateWebhooks = rate("duplicateWebhooks", duplicateWebhooks);
      return this;
    }

    /**
     * The delay before each webhook attempt: the first entry precedes the first attempt
     * (usually 0), each further entry one retry. Default {@code 0, 100ms, 500ms, 2s, 10s, 30s}.
     *
     * @param delays the delay before each attempt
     * @return this builder
     * @throws IllegalArgumentException if empty or a delay is negative
     */
    public Builder webhookRetries(List<Duration> delays) {
      Objects.requireNonNull(delays, "delays");
      if (delays.isEmpty()) {
        throw new IllegalArgumentException("webhookRetries needs at least one entry");
      }
      for (Duration d : delays) {
        if (d == null || d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
          throw new IllegalArgumentException("Invalid retry delay: " + d);
        }
      }
      this.webhookRetries = List.copyOf(delays);
      return this;
    }

    /**
     * The total time of each webhook attempt: connecting, sending, the answer's headers and its
     * body together; default 5 s. At the deadline the attempt is cut off and its connection
     * closed. An attempt whose status line arrived in time counts with that status.
     *
     * @param timeout each attempt's time in all, positive
     * @return this builder
     */
    public Builder webhookTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("Invalid duration: " + timeout);
      }
      this.webhookTimeout = timeout;
      return this;
    }

    /**
     * The longest a status read with {@code Prefer: wait=N} (RFC 7240) is held, in whole
     * seconds; default {@link Duration#ZERO}: no read is held (50 s matches the client's default
     * {@code StatusClient.Builder.longPoll}). A held read of a pending job is
     * answered the moment the job ends, or when the wait (the smaller of N and this) is over,
     * with {@code Preference-Applied: wait=N}; it holds no thread while it waits.
     *
     * @param maxWait the longest hold
     * @return this builder
     * @throws IllegalArgumentException for a negative value, one over a day, or one with a
     *     fraction of a second
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Durations.wholeSeconds(maxWait, "max wait", Duration.ofDays(1));
      return this;
    }

    /**
     * How long an ended job stays readable after it ended; default 1 h. Afterwards {@code GET
     * /status} answers 404 for it, as for a job that never existed.
     *
     * @param retain how long an ended job stays readable
     * @return this builder
     */
    public Builder retain(Duration retain) {
      Objects.requireNonNull(retain, "retain");
      if (retain.isNegative() || retain.isZero() || retain.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("Invalid duration: " + retain);
      }
      this.retain = retain;
      return this;
    }

    /**
     * The most jobs held at once; default 100,000. A new job evicts the job that ended first;
     * when all are pending, {@code POST /jobs} answers 503 with {@code Retry-After} and {@link
     * SimulatorServer#submit} throws.
     *
     * @param maxJobs the most jobs, positive
     * @return this builder
     */
    public Builder maxJobs(int maxJobs) {
      if (maxJobs < 1 || maxJobs > 10_000_000) {
        throw new IllegalArgumentException("Invalid maxJobs: " + maxJobs + " (want 1..10000000)");
      }
      this.maxJobs = maxJobs;
      return this;
    }

    /**
     * The most webhook registrations held at once; default 1,000. A new one beyond it is
     * answered 429 (repeating an existing registration still answers 200).
     *
     * @param maxWebhooks the most registrations, positive
     * @return this builder
     */
    public Builder maxWebhooks(int maxWebhooks) {
      if (maxWebhooks < 1 || maxWebhooks > 100_000) {
        throw new IllegalArgumentException("Invalid maxWebhooks: " + maxWebhooks + " (want 1..100000)");
      }
      this.maxWebhooks = maxWebhooks;
      return this;
    }

    /**
     * Makes every random choice (durations, outcomes, faults, ids) reproducible.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = Optional.of(seed);
      return this;
    }

    /**
     * How deliveries are signed (Standard Webhooks): {@link Signing#V1} (HMAC-SHA256 with the
     * registration's {@code whsec_} secret; the default), {@link Signing#V1A}
     * (Ed25519: each registration gets a key pair, its answer carries the {@code whpk_} public
     * key and the {@code whsk_} stays here) or {@link Signing#BOTH}.
     *
     * @param signing the signing scheme
     * @return this builder
     */
    public Builder signing(Signing signing) {
      this.signing = Objects.requireNonNull(signing, "signing");
      return this;
    }

    /**
     * How long the keys a {@code POST /webhooks/ID/rotate} replaces keep signing beside the new
     * ones (by the {@link #clock}); default 24 hours, at most 30 days. Zero: the old keys stop at
     * once.
     *
     * @param overlap how long old keys keep signing
     * @return this builder
     */
    public Builder rotationOverlap(Duration overlap) {
      Objects.requireNonNull(overlap, "overlap");
      if (overlap.isNegative() || overlap.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("Invalid duration: " + overlap);
      }
      this.rotationOverlap = overlap;
      return this;
    }

    /**
     * The clock for {@code updated_at}, {@code webhook-timestamp} and the end of a rotation's
     * overlap; deadlines use nanoTime.
     *
     * @param clock the wall clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where to log one line per job transition and webhook attempt; default nowhere.
     *
     * @param log where the lines go
     * @return this builder
     */
    public Builder log(PrintStream log) {
      this.log = Optional.of(Objects.requireNonNull(log, "log"));
      return this;
    }

    /**
     * A new, not yet started server with a copy of this configuration.
     *
     * @return the server, not started
     */
    public SimulatorServer build() {
      long s = seed.orElseGet(() -> ThreadLocalRandom.current().nextLong());
      return new SimulatorServer(new Config(host, port, delay, errorRate, hints, failRate,
          throttleRate, latencyMin, latencyMax, dropWebhooks, duplicateWebhooks, webhookRetries,
          webhookTimeout, retain, maxJobs, maxWebhooks, signing, rotationOverlap, s, clock, log,
          webhookHeader.isEmpty() ? standIn
              : standIn.map(si -> si.withWebhookHeader(webhookHeader.get()[0], webhookHeader.get()[1])),
          apiKey, maxWait));
    }

    private static double rate(String name, double v) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("Invalid " + name + ": " + v + " (want 0..1)");
      }
      return v;
    }
  }
}
