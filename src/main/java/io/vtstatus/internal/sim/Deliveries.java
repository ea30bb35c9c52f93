package io.vtstatus.internal.sim;

import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.util.Durations;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.WebhookDelivery;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Webhook delivery, isolated per registration.
 *
 * <ul>
 *   <li>Each registration has a lane: its share of the {@value #MAX_IN_FLIGHT} in-flight slots
 *       (divided among the lanes that have work, at most {@value #MAX_IN_FLIGHT_PER_WEBHOOK}) and
 *       at most {@value #MAX_PENDING_PER_WEBHOOK} waiting (for a retry delay or a slot). When its queue is full the oldest waiting retry (else the oldest waiting attempt)
 *       is dropped, logged and counted. All lanes together hold at most {@value #MAX_PENDING}
 *       waiting attempts (when full, the longest queue gives way) and {@value #MAX_IN_FLIGHT} in
 *       flight; lanes that cannot start for want of a global slot take turns, one attempt each,
 *       round robin.
 *   <li>Each attempt is bounded in total time (connect, headers and body) by the webhook
 *       timeout. The JDK's request timeout bounds connect and headers; our own timer bounds the
 *       rest, because the JDK's stops once headers arrive: at the deadline the body subscription
 *       is cancelled, which closes the connection.
 *   <li>The answer is the status line: a receiver that sends {@code 200} and then stalls has
 *       answered (its connection is closed at the deadline, not reused).
 *   <li>A sender thread is held only until the headers arrive ({@code send} returns then; the
 *       body is drained by a subscriber on the HTTP client's threads). So a receiver that stalls
 *       after its headers holds a socket and no thread; one that never answers holds sender
 *       threads for at most the timeout, at most its share of the {@value #SENDERS} (at most
 *       {@value #SENDERS_PER_WEBHOOK}). Shares are taken when attempts start, not taken back: a
 *       few silent receivers that were alone with a backlog can hold more than their later
 *       share until their attempts time out.
 *   <li>All bookkeeping (fan-out, queues, counts) runs on one thread, {@code
 *       vtstatus-sim-webhook}, so it needs no locks; timers, senders and HTTP completions only
 *       hand work to it. The scheduler thread never fans out.
 * </ul>
 *
 * <p>Why not {@code sendAsync}: on Java 17 with fewer than 3 CPUs it completes every response
 * on a new thread (the JDK hops to {@code CompletableFuture}'s default executor, which is
 * thread-per-task there), measured at 1,400 threads started for 2,000 deliveries. A blocking
 * {@code send} on a bounded pool starts none.
 */
final class Deliveries {
  static final int MAX_IN_FLIGHT = 256;
  static final int MAX_IN_FLIGHT_PER_WEBHOOK = 32;
  /** Threads waiting for receivers' headers: all registrations together, and one at most. */
  static final int SENDERS = 64;
  static final int SENDERS_PER_WEBHOOK = 16;
  static final int MAX_PENDING_PER_WEBHOOK = 10_000;
  static final int MAX_PENDING = 50_000;

  /** The four bounds; tests shrink them. */
  record Limits(int inFlight, int inFlightPerWebhook, int pending, int pendingPerWebhook,
      int senders, int sendersPerWebhook) {
    static final Limits DEFAULT = new Limits(MAX_IN_FLIGHT, MAX_IN_FLIGHT_PER_WEBHOOK, MAX_PENDING,
        MAX_PENDING_PER_WEBHOOK, SENDERS, SENDERS_PER_WEBHOOK);
  }

  /** Response bytes read (and discarded) per attempt; past it the connection is closed. */
  static final long MAX_RESPONSE_BODY = 64 * 1024;
  static final int MAX_RECORDS = 10_000;
  static final long MAX_RECORD_BYTES = 4L << 20;

  /** One event on its way to one registration; the same {@code eventId} on every attempt. */
  private record Event(Webhooks.Registration reg, String jobId, String eventId, String body) {}

  /** An attempt not yet started: waiting for its retry delay ({@code !ready}) or for a slot. */
  private static final class Pending {
    final Event event;
    final int attempt;
    final boolean duplicate;
    /** Enqueue order: "oldest" when choosing what to drop. */
    long seq;
    ScheduledFuture<?> timer;

    Pending(Event event, int attempt, boolean duplicate) {
      this.event = event;
      this.attempt = attempt;
      this.duplicate = duplicate;
    }

    boolean optional() {
      return attempt > 1 || duplicate;
    }
  }

  /** A registration's queues and in-flight counts; confined to the delivery thread. */
  private static final class Lane {
    final Webhooks.Registration reg;
    /** Attempts ready to start, oldest first. */
    final ArrayDeque<Pending> ready = new ArrayDeque<>();
    /** Attempts waiting for their retry delay, in enqueue order. */
    final LinkedHashSet<Pending> waiting = new LinkedHashSet<>();
    int inFlight;
    /** Of those in flight, the ones still waiting for headers (each holding a sender thread). */
    int sending;
    boolean starved;

    Lane(Webhooks.Registration reg) {
      this.reg = reg;
    }

    int queued() {
      return ready.size() + waiting.size();
    }

    /** The oldest waiting retry or duplicate, else the oldest waiting attempt; null if none. */
    Pending victim() {
      Pending w = null;
      for (Pending q : waiting) {
        if (q.optional()) {
          w = q;
          break;
        }
      }
      Pending r = null;
      for (Pending q : ready) {
        if (q.optional()) {
          r = q;
          break;
        }
      }
      if (w != null || r != null) {
        return w == null ? r : r == null ? w : (w.seq < r.seq ? w : r);
      }
      Pending a = waiting.isEmpty() ? null : waiting.iterator().next();
      Pending b = ready.peekFirst();
      return a == null ? b : b == null ? a : (a.seq < b.seq ? a : b);
    }

    void remove(Pending p) {
      if (!waiting.remove(p)) {
        ready.remove(p);
      }
    }
  }

  private final Config cfg;
  private final Rand rand;
  private final ScheduledExecutorService scheduler;
  private final Consumer<String> log;
  private final Webhooks registry;
  private final Limits limits;
  private final ExecutorService loop;
  private final ExecutorService senders;
  private final ExecutorService clientExecutor;
  private volatile HttpClient client;
  private final Map<Webhooks.Registration, Lane> lanes = new HashMap<>();
  private final ArrayDeque<Lane> starved = new ArrayDeque<>();
  private int inFlight;
  /** Attempts waiting for their headers, each holding a sender thread. */
  private int sending;
  private int pending;
  private long seq;
  private final Set<Attempt> attempts = ConcurrentHashMap.newKeySet();
  private final Recorder<WebhookDelivery> records =
      new Recorder<>(MAX_RECORDS, MAX_RECORD_BYTES, Deliveries::size);
  private final AtomicLong recorded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  Deliveries(Config cfg, Rand rand, ScheduledExecutorService scheduler, Consumer<String> log,
      Webhooks registry, Limits limits) {
    this.cfg = cfg;
    this.limits = limits;
    this.rand = rand;
    this.scheduler = scheduler;
    this.log = log;
    this.registry = registry;
    this.loop = Executors.newSingleThreadExecutor(Threads.daemon("vtstatus-sim-webhook"));
    this.senders = scalingPool(limits.senders(), "vtstatus-sim-webhook-send");
    this.clientExecutor = Executors.newFixedThreadPool(2, Threads.daemon("vtstatus-sim-http-io"));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(cfg.webhookTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(clientExecutor)
            .build();
  }

  /**
   * A pool that reuses an idle thread when there is one, starts a new one (up to {@code max})
   * when there is not, and queues beyond that; threads end after a minute idle. (A fixed pool
   * starts a thread per task until it is full, idle threads or not; a cached one is unbounded.)
   * The delivery thread never has more than {@code max} sends running, so the queue only
   * bridges the moment between a send finishing and its thread going back to the pool.
   */
  static ExecutorService scalingPool(int max, String name) {
    LinkedTransferQueue<Runnable> queue = new LinkedTransferQueue<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public boolean offer(Runnable r) {
        // Only to a thread already waiting: otherwise the pool starts a thread (or rejects).
        return tryTransfer(r);
      }
    };
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, queue,
        Threads.daemon(name), (r, p) -> {
          if (p.isShutdown()) {
            throw new RejectedExecutionException("closed");
          }
          queue.add(r);
        });
    return pool;
  }

  private static long size(WebhookDelivery d) {
    return 200 + 2L * (d.body().length() + d.url().toString().length()
        + d.failure().map(String::length).orElse(0));
  }

  static String body(String jobId, Job.State s) {
    return Protocol.statusBody(jobId, s.status(), s.updatedAt()).toString();
  }

  /** Runs {@code r} on the delivery thread; nothing once closed. */
  private void onLoop(Runnable r) {
    try {
      loop.execute(r);
    } catch (RejectedExecutionException closing) {
      // Closed: undelivered events go with the simulator.
    }
  }

  // ---- entry points, any thread ----

  /** Sends a job's terminal event to every registration that wants it, from the delivery thread. */
  void jobFinished(String jobId, Job.State state) {
    onLoop(() -> {
      String body = body(jobId, state);
      for (Webhooks.Registration r : registry.all()) {
        if (r.wants(jobId)) {
          start(r, new Event(r, jobId, rand.id("msg_"), body));
        }
      }
    });
  }

  /** Delivers an already terminal job's event to one new registration. */
  void replay(Webhooks.Registration r, String jobId, Job.State state) {
    onLoop(() -> start(r, new Event(r, jobId, rand.id("msg_"), body(jobId, state))));
  }

  /** Forgets what waits for {@code r}; its attempts in flight finish and are recorded. */
  void unregistered(Webhooks.Registration r) {
    onLoop(() -> {
      Lane lane = lanes.get(r);
      if (lane != null) {
        for (Pending p : lane.waiting) {
          cancel(p.timer);
        }
        pending -= lane.queued();
        lane.waiting.clear();
        lane.ready.clear();
        forgetIfIdle(lane);
      }
    });
  }

  Optional<WebhookDelivery> take(Duration timeout) throws InterruptedException {
    return records.take(timeout);
  }

  long deliveryCount() {
    return recorded.get();
  }

  long droppedCount() {
    return dropped.get();
  }

  // ---- the delivery thread ----

  private void start(Webhooks.Registration r, Event e) {
    enqueue(lane(r), new Pending(e, 1, false), cfg.webhookRetries().get(0));
  }

  private Lane lane(Webhooks.Registration r) {
    return lanes.computeIfAbsent(r, Lane::new);
  }

  private void enqueue(Lane lane, Pending p, Duration delay) {
    if (closed || !lane.reg.active.get()) {
      forgetIfIdle(lane);
      return;
    }
    p.seq = seq++;
    boolean laneFull = lane.queued() >= limits.pendingPerWebhook();
    if (laneFull || pending >= limits.pending()) {
      // A full lane drops its own; when all lanes together are full, the longest queue gives
      // way, so a registration that piles up (a dead receiver) cannot cost the others events.
      Lane from = laneFull ? lane : longest(lane);
      Pending victim = from.victim();
      if (victim == null || (from == lane && !victim.optional() && p.optional())) {
        victim = p;
      } else {
        from.remove(victim);
        pending--;
        cancel(victim.timer);
      }
      dropped.incrementAndGet();
      record(victim.event, victim.attempt, 0, Optional.of("dropped: queue full"), true);
      log.accept("webhook " + from.reg.id + " " + victim.event.eventId + " job "
          + victim.event.jobId + ": attempt " + victim.attempt + " dropped, "
          + (laneFull ? limits.pendingPerWebhook() + " attempts wait for this webhook"
              : limits.pending() + " attempts wait in all"));
      if (victim == p) {
        forgetIfIdle(lane);
        return;
      }
      if (from != lane) {
        forgetIfIdle(from);
      }
    }
    pending++;
    if (delay.isZero()) {
      lane.ready.addLast(p);
      pump(lane);
      return;
    }
    lane.waiting.add(p);
    try {
      p.timer = scheduler.schedule(() -> onLoop(() -> {
        p.timer = null;
        if (lane.waiting.remove(p)) {
          lane.ready.addLast(p);
          pump(lane);
        }
      }), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // Closing.
    }
  }

  /** The lane with the most attempts waiting ({@code self} when it is one of the longest). */
  private Lane longest(Lane self) {
    Lane best = self;
    for (Lane l : lanes.values()) {
      if (l.queued() > best.queued()) {
        best = l;
      }
    }
    return best;
  }

  private boolean globalRoom() {
    return inFlight < limits.inFlight() && sending < limits.senders();
  }

  /**
   * Starts what the lane's limit allows, while the global limits allow and no other lane is
   * waiting for them (it would be jumping the queue); else the lane waits its turn.
   */
  /**
   * Whether the lane may start one more: within its share of the global slots, in flight and
   * waiting for headers (the global bound divided by the lanes that have work, at least 1, at
   * most the per-webhook maximum). A busy receiver alone gets the maximum; next to 24 others
   * each gets a tenth of the slots, so receivers that hold theirs (stalled or silent) leave the
   * rest to the others.
   */
  private boolean laneRoom(Lane lane) {
    int lanesWithWork = Math.max(1, lanes.size());
    int inFlightShare =
        Math.max(1, Math.min(limits.inFlightPerWebhook(), limits.inFlight() / lanesWithWork));
    int sendersShare =
        Math.max(1, Math.min(limits.sendersPerWebhook(), limits.senders() / lanesWithWork));
    return lane.inFlight < inFlightShare && lane.sending < sendersShare;
  }

  private void pump(Lane lane) {
    while (!closed && laneRoom(lane)) {
      Pending next = lane.ready.peekFirst();
      if (next == null) {
        break;
      }
      if (!globalRoom() || (!starved.isEmpty() && !lane.starved)) {
        if (!lane.starved) {
          lane.starved = true;
          starved.addLast(lane);
        }
        return;
      }
      lane.ready.pollFirst();
      pending--;
      attempt(lane, next);
    }
    forgetIfIdle(lane);
  }

  /** Gives freed global slots to waiting lanes, one attempt per lane per turn. */
  private void serveStarved() {
    while (!closed && globalRoom() && !starved.isEmpty()) {
      Lane lane = starved.pollFirst();
      lane.starved = false;
      Pending next = laneRoom(lane) ? lane.ready.pollFirst() : null;
      if (next != null) {
        pending--;
        attempt(lane, next);
        if (laneRoom(lane) && !lane.ready.isEmpty()) {
          lane.starved = true;
          starved.addLast(lane);
        }
      }
      forgetIfIdle(lane);
    }
  }

  private void forgetIfIdle(Lane lane) {
    if (lane.queued() == 0 && lane.inFlight == 0 && !lane.starved) {
      lanes.remove(lane.reg, lane);
    }
  }

  private void attempt(Lane lane, Pending p) {
    Event e = p.event;
    if (!lane.reg.active.get()) {
      return;
    }
    if (!p.duplicate && rand.chance(cfg.dropWebhooks())) {
      record(e, p.attempt, 0, Optional.of("dropped"), true);
      retryOrGiveUp(lane, p);
      return;
    }
    HttpClient c = client;
    if (closed || c == null) {
      return;
    }
    Attempt a = new Attempt(lane, p);
    lane.inFlight++;
    lane.sending++;
    inFlight++;
    sending++;
    attempts.add(a);
    try {
      a.deadline = scheduler.schedule(a::expire, cfg.webhookTimeout().toNanos(), TimeUnit.NANOSECONDS);
      // Signing and building the request happen on the sender: this thread only keeps count.
      senders.execute(() -> a.send(c));
    } catch (RejectedExecutionException closing) {
      onLoop(() -> headersIn(a));
      a.finish(Optional.empty(), new IOException("simulator closing"));
    }
  }

  /** On the delivery thread: the attempt no longer holds a sender thread. */
  private void headersIn(Attempt a) {
    sending--;
    a.lane.sending--;
    pump(a.lane);
    serveStarved();
  }

  /** On the delivery thread: the attempt is over and its socket released (or closed). */
  private void finished(Attempt a, Optional<HttpResponse<Void>> response, Throwable error) {
    cancel(a.deadline);
    if (!attempts.remove(a)) {
      return;
    }
    Lane lane = a.lane;
    lane.inFlight--;
    inFlight--;
    if (!closed) {
      outcome(lane, a, response.orElse(null), error);
    }
    pump(lane);
    serveStarved();
  }

  private void outcome(Lane lane, Attempt a, HttpResponse<Void> response, Throwable error) {
    Event e = a.pending.event;
    int attempt = a.pending.attempt;
    // The status line is the answer: once it is in, a body cut off (by us at the deadline or the
    // size cap, or by the receiver) changes nothing.
    int code = response != null ? response.statusCode() : a.status;
    Optional<String> failure;
    if (code == 0) {
      failure = Optional.of(error instanceof HttpTimeoutException
          && !(error instanceof HttpConnectTimeoutException)
          ? "timed out after " + Durations.format(cfg.webhookTimeout()) + " (no response headers)"
          : describe(error));
    } else {
      failure = code / 100 == 2 ? Optional.empty() : Optional.of("HTTP " + code);
    }
    if (code == 410 && !a.pending.duplicate) {
      // Unregister before recording, so whoever sees the 410 sees the registration gone.
      registry.unregister(e.reg.id).ifPresent(this::unregistered);
    }
    record(e, attempt, code, failure, false);
    if (a.pending.duplicate) {
      return;
    }
    if (code / 100 == 2) {
      if (rand.chance(cfg.duplicateWebhooks())) {
        Pending dup = new Pending(e, attempt, true);
        enqueue(lane, dup, Duration.ZERO);
      }
    } else if (code == 410) {
      log.accept("webhook " + e.reg.id + " answered 410: unregistered");
    } else {
      retryOrGiveUp(lane, a.pending);
    }
  }

  private void retryOrGiveUp(Lane lane, Pending p) {
    if (closed || !lane.reg.active.get()) {
      return;
    }
    List<Duration> delays = cfg.webhookRetries();
    if (p.attempt < delays.size()) {
      enqueue(lane, new Pending(p.event, p.attempt + 1, false), delays.get(p.attempt));
    } else {
      log.accept("webhook " + lane.reg.id + " " + p.event.eventId + " job " + p.event.jobId
          + ": gave up after " + p.attempt + " attempt(s)");
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  private static String describe(Throwable c) {
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
  }

  private void record(Event e, int attempt, int code, Optional<String> failure, boolean dropped) {
    recorded.incrementAndGet();
    records.add(new WebhookDelivery(e.reg.id, e.eventId, e.reg.url, e.jobId, attempt, code, failure,
        e.body, dropped));
    log.accept("webhook " + e.reg.id + " " + e.eventId + " job " + e.jobId + " attempt " + attempt
        + " -> " + (code != 0 ? Integer.toString(code) : "") + failure.map(f -> (code != 0 ? " " : "")
        + f).orElse("") + " " + e.reg.url);
  }

  /**
   * One attempt in flight and its own body handler. Its body future completes as soon as the
   * body starts, so {@code send} returns with the headers and frees its thread; the subscriber
   * then drains the body on the HTTP client's threads until it ends, the size cap or the
   * deadline. Fields are written by the sender, the client's threads and the timer.
   */
  private final class Attempt
      implements HttpResponse.BodyHandler<Void>, HttpResponse.BodySubscriber<Void> {
    final Lane lane;
    final Pending pending;
    /** Completes when the body has ended or been cut: the socket is free (or closed). */
    final CompletableFuture<Void> drained = new CompletableFuture<>();
    volatile ScheduledFuture<?> deadline;
    volatile Flow.Subscription subscription;
    volatile boolean timedOut;
    /** The status line's code once the headers are in, else 0. */
    volatile int status;
    private final java.util.concurrent.atomic.AtomicBoolean over =
        new java.util.concurrent.atomic.AtomicBoolean();
    long read;

    Attempt(Lane lane, Pending pending) {
      this.lane = lane;
      this.pending = pending;
    }

    /** On a sender thread: blocks until the headers are in (or the request times out). */
    void send(HttpClient c) {
      Event ev = pending.event;
      HttpResponse<Void> response;
      try {
        Instant now = cfg.clock().instant();
        long timestamp = now.getEpochSecond();
        // Signed and sent as the same bytes; signed per attempt, so a retry after a rotation
        // carries the new keys' signatures.
        byte[] body = ev.body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request =
            HttpRequest.newBuilder(ev.reg.url)
                .timeout(cfg.webhookTimeout())
                .header("Content-Type", "application/json")
                .header("webhook-id", ev.eventId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", ev.reg.keys().sign(ev.eventId, timestamp, body, now))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        response = c.send(request, this);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        onLoop(() -> headersIn(this));
        finish(Optional.empty(), e);
        return;
      } catch (IOException | RuntimeException e) {
        onLoop(() -> headersIn(this));
        finish(Optional.empty(), e);
        return;
      }
      onLoop(() -> headersIn(this));
      drained.whenComplete((v, e) -> finish(Optional.of(response), null));
    }

    /** Hands the end of the attempt to the delivery thread, once. */
    void finish(Optional<HttpResponse<Void>> response, Throwable error) {
      if (over.compareAndSet(false, true)) {
        onLoop(() -> finished(this, response, error));
      }
    }

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
      status = info.statusCode();
      return this;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (timedOut) {
        s.cancel();
        drained.complete(null);
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        read += b.remaining();
      }
      if (read > MAX_RESPONSE_BODY) {
        // The status line has answered; an endless body must not keep the socket busy.
        subscription.cancel();
        drained.complete(null);
      }
    }

    @Override
    public void onError(Throwable t) {
      // The status line has answered already; a broken body changes nothing.
      drained.complete(null);
    }

    @Override
    public void onComplete() {
      drained.complete(null);
    }

    @Override
    public CompletionStage<Void> getBody() {
      // Complete at once: send() returns with the headers and the body drains on its own.
      return CompletableFuture.completedFuture(null);
    }

    /**
     * The deadline: cuts the body if the headers are in. Before the headers the request's own
     * timeout (the same length, started a moment earlier) ends the exchange.
     */
    void expire() {
      timedOut = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
        drained.complete(null);
      }
    }

    /** Closes the attempt's connection, if it has one. */
    void cancel() {
      timedOut = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      drained.complete(null);
    }
  }

  /** Stops all deliveries and cancels the attempts in flight, which closes their connections. */
  void close() {
    closed = true;
    client = null;
    for (Attempt a : attempts) {
      a.cancel();
    }
    loop.shutdown();
    // Senders waiting for headers finish within the attempt timeout; an interrupted send() on
    // Java 17 would leave the HTTP client's selector thread running long after close().
    senders.shutdown();
  }

  void awaitTermination(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    if (!loop.awaitTermination(Math.min(nanos, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
      loop.shutdownNow();
    }
    if (!senders.awaitTermination(Math.min(Math.max(0, deadline - System.nanoTime()),
        TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
      senders.shutdownNow();
    }
    clientExecutor.shutdown();
    if (!clientExecutor.awaitTermination(Math.max(0, deadline - System.nanoTime()),
        TimeUnit.NANOSECONDS)) {
      clientExecutor.shutdownNow();
    }
  }
}
