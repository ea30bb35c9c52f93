package io.vtstatus.internal.sim;

import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.RecordedRequest;
import io.vtstatus.simulator.WebhookDelivery;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The simulator's engine: it builds the parts, starts and stops the threads behind them, and
 * answers {@code io.vtstatus.simulator.SimulatorServer}, its public face. Jobs live in {@link
 * Jobs}, requests go through {@link Exchanges} to {@link Routes}, registrations live in {@link
 * Webhooks}, deliveries in {@link Deliveries}.
 *
 * <p>Threads: a pool of {@value #HTTP_THREADS} (growing past stuck exchanges, {@link HttpPool})
 * answers requests; one scheduler thread finishes jobs on time, delays responses ({@code
 * latency}), expires finished jobs and times webhook retries and attempts, handing all work
 * elsewhere; deliveries have their own thread. {@code /status} takes no lock.
 */
public final class Simulator {
  // Measured on 2 cores (src/bench/http.sh): 1, 2 or 8 threads were no faster than 4. Running
  // exchanges on the server's dispatcher thread itself saves the hand-off, but one client that
  // sends half a request then stops the server for everyone (HttpPool).
  static final int HTTP_THREADS = 4;

  private final Config cfg;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService httpExecutor;
  private final Webhooks webhooks;
  private final Deliveries deliveries;
  private final Jobs jobs;
  private final Exchanges exchanges;
  private final Holds holds;
  private final HttpServer server;
  private volatile boolean closed;

  private Simulator(Config cfg, DeliveryLimits limits,
      Function<ScheduledExecutorService, ExecutorService> requestPool) throws IOException {
    this.cfg = cfg;
    Rand rand = new Rand(cfg.seed());
    this.scheduler = new ScheduledThreadPoolExecutor(1, Threads.daemon("vtstatus-sim-scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.httpExecutor = requestPool.apply(scheduler);
    this.webhooks = new Webhooks(cfg.maxWebhooks(), cfg.signing(), rand, this::log);
    this.deliveries = new Deliveries(cfg, rand, scheduler, this::log, webhooks, limits);
    this.holds = new Holds(scheduler, httpExecutor);
    this.jobs = new Jobs(cfg, rand, scheduler, deliveries, this::log, holds::ended);
    Routes routes = new Routes(cfg, rand, jobs, webhooks, deliveries, this::log);
    this.exchanges = new Exchanges(cfg, rand, routes, scheduler, httpExecutor, holds, this::log);
    try {
      this.server = HttpServers.create(new InetSocketAddress(cfg.host(), cfg.port()), httpExecutor);
    } catch (IOException | RuntimeException e) {
      shutdownThreads();
      throw e;
    }
    server.createContext("/", exchanges::handle);
    server.start();
  }

  /** Binds and starts a simulator. */
  public static Simulator start(Config cfg) throws IOException {
    return start(cfg, DeliveryLimits.DEFAULT);
  }

  /** Binds and starts a simulator with other delivery bounds (tests). */
  static Simulator start(Config cfg, DeliveryLimits limits) throws IOException {
    return new Simulator(cfg, limits,
        s -> HttpPool.start(HTTP_THREADS, HttpPool.MAX_THREADS, "vtstatus-sim-http", s));
  }

  /**
   * Binds and starts a simulator whose requests run on the executor {@code requestPool} makes
   * from the simulator's scheduler: {@code src/bench/http.sh} compares other arrangements with
   * {@link HttpPool} through it. The simulator shuts that executor down when it closes.
   */
  static Simulator start(Config cfg,
      Function<ScheduledExecutorService, ExecutorService> requestPool) throws IOException {
    return new Simulator(cfg, DeliveryLimits.DEFAULT, requestPool);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The configured bind address. */
  public String host() {
    return cfg.host();
  }

  private void log(String line) {
    cfg.log().ifPresent(out -> out.println(Protocol.timestamp(cfg.clock().instant()) + " " + line));
  }

  /**
   * Creates and starts a job; {@code outcome} must be terminal.
   *
   * @throws IllegalStateException if the store holds {@code maxJobs} jobs, all pending
   */
  public String submit(Duration duration, JobStatus outcome) {
    checkOpen();
    try {
      return jobs.create(duration, outcome).id;
    } catch (JobStore.FullException e) {
      throw new IllegalStateException(e.getMessage());
    }
  }

  /** Creates and starts a job with the configured delay and error rate. */
  public String submit() {
    return submit(jobs.randomDuration(), jobs.randomOutcome());
  }

  /** Ends job {@code id} now; false if it had ended already. */
  public boolean complete(String id, JobStatus outcome) {
    checkOpen();
    Job job = jobs.get(id).orElseThrow(() -> new IllegalArgumentException("unknown job: " + id));
    return jobs.complete(job, outcome);
  }

  /** Job {@code id}'s status now, finishing it first if it is due; empty if unknown. */
  public Optional<JobStatus> status(String id) {
    return jobs.get(id).map(j -> jobs.current(j).status());
  }

  /** {@code GET /status} requests seen for job {@code id}; 0 if unknown. */
  public int statusRequests(String id) {
    return jobs.get(id).map(Job::statusRequests).orElse(0);
  }

  /** The jobs held now (pending, and ended ones not yet expired or evicted). */
  public int jobCount() {
    return jobs.size();
  }

  /** Jobs expired or evicted so far. */
  public long removedJobCount() {
    return jobs.removed();
  }

  /** {@code GET /status} reads held now ({@code Prefer: wait=N}), waiting for their answer. */
  public int heldReads() {
    return holds.size();
  }

  /** The webhook registrations in force. */
  public int webhookCount() {
    return webhooks.size();
  }

  /** Every request received so far, good or bad. */
  public long requestCount() {
    return exchanges.requestCount();
  }

  /** The oldest recorded request not yet taken, waiting up to {@code timeout}. */
  public Optional<RecordedRequest> takeRequest(Duration timeout) throws InterruptedException {
    return exchanges.takeRequest(timeout);
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

  /** Stops serving, cancels timers and deliveries, and waits briefly for our threads to end. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    jobs.close();
    holds.close();
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
