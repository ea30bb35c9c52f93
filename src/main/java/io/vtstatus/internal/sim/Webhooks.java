package io.vtstatus.internal.sim;

import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.internal.webhook.Signatures;
import io.vtstatus.simulator.WebhookDelivery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Webhook registrations and delivery. Each attempt is a blocking send on one of {@link
 * #MAX_IN_FLIGHT} delivery threads; retries wait on the shared scheduler. Nothing here blocks a
 * caller, and a receiver that never answers holds one delivery thread until its timeout.
 */
final class Webhooks {
  static final int MAX_IN_FLIGHT = 16;

  /** One registration; {@code active} turns false when it is deleted or answered 410. */
  static final class Registration {
    final String id;
    final URI url;
    final Optional<String> job;
    final String secret;
    final byte[] key;
    final String dedupKey;
    final AtomicBoolean active = new AtomicBoolean(true);

    Registration(String id, URI url, Optional<String> job, String secret, String dedupKey) {
      this.id = id;
      this.url = url;
      this.job = job;
      this.secret = secret;
      this.key = Signatures.key(secret);
      this.dedupKey = dedupKey;
    }

    boolean wants(String jobId) {
      return job.isEmpty() || job.get().equals(jobId);
    }
  }

  /** One event on its way to one registration; the same {@code eventId} on every attempt. */
  private record Event(Registration reg, String jobId, String eventId, String body) {}

  /** An attempt waiting for an in-flight permit. */
  private record Pending(Event event, int attempt, boolean duplicate) {}

  private final Config cfg;
  private final Rand rand;
  private final ScheduledExecutorService scheduler;
  private final Consumer<String> log;
  private final ExecutorService clientExecutor;
  private final ExecutorService senders;
  private volatile HttpClient client;
  private final ConcurrentHashMap<String, Registration> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Registration> byKey = new ConcurrentHashMap<>();
  private final Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
  private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
  private final Recorder<WebhookDelivery> deliveries = new Recorder<>(10_000);
  private final AtomicLong deliveryCount = new AtomicLong();
  private volatile boolean closed;

  Webhooks(Config cfg, Rand rand, ScheduledExecutorService scheduler, Consumer<String> log) {
    this.cfg = cfg;
    this.rand = rand;
    this.scheduler = scheduler;
    this.log = log;
    this.clientExecutor = Executors.newFixedThreadPool(2, Threads.daemon("vtstatus-sim-http-io"));
    // Blocking send() on a bounded pool: on Java 17 with <= 2 CPUs, sendAsync's completions
    // start a new thread per response (measured: 1,023 threads for 1,000 deliveries).
    this.senders = Executors.newFixedThreadPool(MAX_IN_FLIGHT, Threads.daemon("vtstatus-sim-webhook"));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(cfg.webhookTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(clientExecutor)
            .build();
  }

  /** The result of {@link #register}: the registration and whether it is new. */
  record Registered(Registration registration, boolean created) {}

  /**
   * Registers {@code url}; the same url, job and secret (or the same url and job, both without a
   * secret) return the existing registration, so a client may retry the POST.
   */
  Registered register(URI url, Optional<String> job, Optional<String> secret) {
    String dedupKey = url + "\n" + job.orElse("") + "\n" + secret.orElse("");
    boolean[] created = {false};
    Registration r =
        byKey.computeIfAbsent(
            dedupKey,
            k -> {
              Registration n =
                  new Registration(
                      rand.id("wh_"), url, job, secret.orElseGet(Signatures::newSecret), k);
              byId.put(n.id, n);
              created[0] = true;
              return n;
            });
    if (created[0]) {
      log.accept("webhook " + r.id + " registered for " + job.map(j -> "job " + j).orElse("all jobs")
          + " -> " + url);
    }
    return new Registered(r, created[0]);
  }

  boolean unregister(String id) {
    Registration r = byId.remove(id);
    if (r == null) {
      return false;
    }
    r.active.set(false);
    byKey.remove(r.dedupKey, r);
    return true;
  }

  static String body(String jobId, Job.State s) {
    return Json.obj()
        .put("job", jobId)
        .put("result", s.status().wireName())
        .put("status", s.status().wireName())
        .put("updated_at", Simulator.timestamp(s.updatedAt()))
        .toString();
  }

  /** Starts delivering a job's terminal event to every registration that wants it. */
  void jobFinished(String jobId, Job.State state) {
    String body = body(jobId, state);
    for (Registration r : byId.values()) {
      if (r.wants(jobId)) {
        start(new Event(r, jobId, rand.id("msg_"), body));
      }
    }
  }

  /** Delivers an already terminal job's event to one new registration. */
  void replay(Registration r, String jobId, Job.State state) {
    start(new Event(r, jobId, rand.id("msg_"), body(jobId, state)));
  }

  private void start(Event e) {
    schedule(e, 1);
  }

  private void schedule(Event e, int attempt) {
    Duration delay = cfg.webhookRetries().get(attempt - 1);
    if (delay.isZero()) {
      // attempt() never blocks (it hands the send to the sender pool): skip a scheduler hop.
      attempt(e, attempt);
      return;
    }
    try {
      scheduler.schedule(() -> attempt(e, attempt), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // The simulator is closing; undelivered events go with it.
    }
  }

  private void retryOrGiveUp(Event e, int attempt) {
    if (closed || !e.reg.active.get()) {
      return;
    }
    if (attempt < cfg.webhookRetries().size()) {
      schedule(e, attempt + 1);
    } else {
      log.accept("webhook " + e.reg.id + " " + e.eventId + " job " + e.jobId
          + ": gave up after " + attempt + " attempt(s)");
    }
  }

  private void attempt(Event e, int attempt) {
    if (closed || !e.reg.active.get()) {
      return;
    }
    if (rand.chance(cfg.dropWebhooks())) {
      record(e, attempt, 0, Optional.of("dropped"), true);
      retryOrGiveUp(e, attempt);
      return;
    }
    launch(new Pending(e, attempt, false));
  }

  /** Sends now if a permit is free, else queues; never blocks. */
  private void launch(Pending p) {
    if (permits.tryAcquire()) {
      send(p);
      return;
    }
    waiting.add(p);
    // A permit may have been released between the failed tryAcquire and the add.
    drain();
  }

  private void drain() {
    while (!waiting.isEmpty() && permits.tryAcquire()) {
      Pending next = waiting.poll();
      if (next == null) {
        permits.release();
      } else {
        send(next);
      }
    }
  }

  private void release() {
    permits.release();
    drain();
  }

  private void send(Pending p) {
    Event e = p.event;
    HttpClient c = client;
    if (closed || c == null) {
      permits.release();
      return;
    }
    long timestamp = cfg.clock().instant().getEpochSecond();
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(e.reg.url)
              .timeout(cfg.webhookTimeout())
              .header("Content-Type", "application/json")
              .header("webhook-id", e.eventId)
              .header("webhook-timestamp", Long.toString(timestamp))
              .header("webhook-signature", Signatures.sign(e.reg.key, e.eventId, timestamp, e.body))
              .POST(HttpRequest.BodyPublishers.ofString(e.body))
              .build();
    } catch (IllegalArgumentException bad) {
      permits.release();
      record(e, p.attempt, 0, Optional.of("invalid request: " + bad.getMessage()), false);
      retryOrGiveUp(e, p.attempt);
      return;
    }
    try {
      senders.execute(() -> {
        HttpResponse<Void> response = null;
        Throwable error = null;
        try {
          response = c.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          error = interrupted;
        } catch (IOException | RuntimeException failed) {
          error = failed;
        }
        release();
        if (p.duplicate) {
          recordOutcome(e, p.attempt, response, error);
        } else {
          completed(e, p.attempt, response, error);
        }
      });
    } catch (RuntimeException closing) {
      // Rejected by a shut-down executor or a bad URL the builder let through.
      permits.release();
      if (!closed) {
        record(e, p.attempt, 0, Optional.of(describe(closing)), false);
        retryOrGiveUp(e, p.attempt);
      }
    }
  }

  private int recordOutcome(Event e, int attempt, HttpResponse<?> response, Throwable error) {
    if (error != null) {
      record(e, attempt, 0, Optional.of(describe(error)), false);
      return 0;
    }
    int code = response.statusCode();
    record(e, attempt, code, code / 100 == 2 ? Optional.empty() : Optional.of("HTTP " + code), false);
    return code;
  }

  private void completed(Event e, int attempt, HttpResponse<?> response, Throwable error) {
    if (closed) {
      return;
    }
    if (error == null && response.statusCode() == 410) {
      // Unregister before recording, so whoever sees the 410 sees the registration gone.
      unregister(e.reg.id);
    }
    int code = recordOutcome(e, attempt, response, error);
    if (code / 100 == 2) {
      if (rand.chance(cfg.duplicateWebhooks())) {
        launch(new Pending(e, attempt, true));
      }
    } else if (code == 410) {
      log.accept("webhook " + e.reg.id + " answered 410: unregistered");
    } else {
      retryOrGiveUp(e, attempt);
    }
  }

  private static String describe(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
  }

  private void record(Event e, int attempt, int code, Optional<String> failure, boolean dropped) {
    deliveryCount.incrementAndGet();
    deliveries.add(
        new WebhookDelivery(e.reg.id, e.eventId, e.reg.url, e.jobId, attempt, code, failure, e.body,
            dropped));
    log.accept("webhook " + e.reg.id + " " + e.eventId + " job " + e.jobId + " attempt " + attempt
        + " -> " + (code != 0 ? Integer.toString(code) : "") + failure.map(f -> (code != 0 ? " " : "")
        + f).orElse("") + " " + e.reg.url);
  }

  Optional<WebhookDelivery> take(Duration timeout) throws InterruptedException {
    return deliveries.take(timeout);
  }

  long deliveryCount() {
    return deliveryCount.get();
  }

  List<Registration> registrations() {
    return new ArrayList<>(byId.values());
  }

  /** Stops all deliveries; the client's selector thread ends once the client is unreachable. */
  void close() {
    closed = true;
    client = null;
    waiting.clear();
    // Attempts in flight may finish first (up to a second): on Java 17 an interrupted send()
    // leaves the HttpClient with a pending operation and its selector thread outlives close().
    senders.shutdown();
  }

  void awaitTermination(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    if (!senders.awaitTermination(Math.min(nanos, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
      senders.shutdownNow();
    }
    clientExecutor.shutdownNow();
    senders.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    clientExecutor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }
}
