package io.vtstatus.internal.sim;

import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.util.StageStamps;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.WebhookDelivery;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Webhook delivery, isolated per registration.
 *
 * <ul>
 *   <li>Each registration has a lane: its share of the {@value DeliveryLimits#MAX_IN_FLIGHT} in-flight slots
 *       (divided among the lanes that have work, at most {@value DeliveryLimits#MAX_IN_FLIGHT_PER_WEBHOOK}) and
 *       at most {@value DeliveryLimits#MAX_PENDING_PER_WEBHOOK} waiting (for a retry delay or a slot). When its
 *       queue is full the oldest waiting retry (else the oldest waiting attempt) is dropped,
 *       logged and counted. All lanes together hold at most {@value DeliveryLimits#MAX_PENDING}
 *       waiting attempts (when full, the longest queue gives way) and {@value DeliveryLimits#MAX_IN_FLIGHT} in
 *       flight; lanes that cannot start for want of a global slot take turns, one attempt each,
 *       round robin.
 *   <li>Each attempt is bounded in total time and holds a sender thread only until its headers
 *       arrive ({@link Attempt}): a receiver that never answers holds at most its share of the
 *       {@value DeliveryLimits#SENDERS} sender threads (at most {@value DeliveryLimits#SENDERS_PER_WEBHOOK}) for at most the
 *       timeout. Shares are taken when attempts start, not taken back: a few silent receivers
 *       that were alone with a backlog can hold more than their later share until their
 *       attempts time out.
 *   <li>All bookkeeping (fan-out, queues, counts) runs on one thread, {@code
 *       vtstatus-sim-webhook}, so it needs no locks; retry timers, senders and HTTP completions
 *       only hand work to it. The timers that end jobs run on it ({@link #jobTimers}), so a
 *       job's end reaches its fan-out without a thread hand-off. The scheduler thread never
 *       fans out.
 * </ul>
 */
final class Deliveries {
  private final Config cfg;
  private final Rand rand;
  private final ScheduledExecutorService scheduler;
  private final Consumer<String> log;
  private final Webhooks registry;
  private final DeliveryLimits limits;
  private final ScheduledThreadPoolExecutor loop;
  /** The delivery thread, once started: work handed over from it runs at once. */
  private volatile Thread loopThread;
  private final Senders senders;
  private final Map<Webhooks.Registration, Lane> lanes = new HashMap<>();
  private final ArrayDeque<Lane> starved = new ArrayDeque<>();
  private int inFlight;
  /** Attempts waiting for their headers, each holding a sender thread. */
  private int sending;
  private int pending;
  private long seq;
  private final Set<Attempt> attempts = ConcurrentHashMap.newKeySet();
  private final DeliveryRecords records;
  /** What attempts report, from any thread, handed to the delivery thread. */
  private final Attempt.Events attemptEvents = new Attempt.Events() {
    @Override
    public void headersIn(Attempt a) {
      onLoop(() -> Deliveries.this.headersIn(a));
    }

    @Override
    public void finished(Attempt a, Optional<HttpResponse<Void>> response, Throwable error) {
      onLoop(() -> Deliveries.this.finished(a, response, error));
    }
  };
  private volatile boolean closed;

  Deliveries(Config cfg, Rand rand, ScheduledExecutorService scheduler, Consumer<String> log,
      Webhooks registry, DeliveryLimits limits) {
    this.cfg = cfg;
    this.limits = limits;
    this.rand = rand;
    this.scheduler = scheduler;
    this.log = log;
    this.registry = registry;
    this.records = new DeliveryRecords(log, cfg.log().isPresent());
    ThreadFactory named = Threads.daemon("vtstatus-sim-webhook");
    this.loop = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = named.newThread(r);
      loopThread = t;
      return t;
    });
    loop.setRemoveOnCancelPolicy(true);
    loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.senders = new Senders(limits.senders(), cfg.webhookTimeout());
  }

  /** The event's body: vtstatus's status body, or the stood-in API's webhook shape. */
  private String body(String jobId, Job.State s, String eventId) {
    if (cfg.standIn().isPresent()) {
      return cfg.standIn().get().webhookBody(jobId, s.status(), eventId,
          cfg.clock().instant().getEpochSecond());
    }
    return Protocol.statusBody(jobId, s.status(), s.updatedAt()).toString();
  }

  /**
   * The timers that end jobs ({@link Jobs}): they run on the delivery thread, so a job's end
   * fans out to its webhooks there and then, without a hand-off from another thread (issue 23:
   * each hand-off is a thread wake-up on the webhook's path).
   */
  ScheduledExecutorService jobTimers() {
    return loop;
  }

  /** Runs {@code r} on the delivery thread (at once when called there); nothing once closed. */
  private void onLoop(Runnable r) {
    if (Thread.currentThread() == loopThread) {
      if (!loop.isShutdown()) {
        r.run();
      }
      return;
    }
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
      StageStamps.at(StageStamps.DELIVERY_QUEUED, jobId);
      for (Webhooks.Registration r : registry.all()) {
        if (r.wants(jobId)) {
          String id = rand.id("msg_");
          start(r, new Lane.Event(r, jobId, id, body(jobId, state, id)));
        }
      }
    });
  }

  /** Delivers an already terminal job's event to one new registration. */
  void replay(Webhooks.Registration r, String jobId, Job.State state) {
    onLoop(() -> {
      String id = rand.id("msg_");
      start(r, new Lane.Event(r, jobId, id, body(jobId, state, id)));
    });
  }

  /** Forgets what waits for {@code r}; its attempts in flight finish and are recorded. */
  void unregistered(Webhooks.Registration r) {
    onLoop(() -> {
      Lane lane = lanes.get(r);
      if (lane != null) {
        for (Lane.Pending p : lane.waiting) {
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
    return records.count();
  }

  long droppedCount() {
    return records.droppedCount();
  }

  // ---- the delivery thread ----

  private void start(Webhooks.Registration r, Lane.Event e) {
    enqueue(lane(r), new Lane.Pending(e, 1, false), cfg.webhookRetries().get(0));
  }

  private Lane lane(Webhooks.Registration r) {
    return lanes.computeIfAbsent(r, Lane::new);
  }

  private void enqueue(Lane lane, Lane.Pending p, Duration delay) {
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
      Lane.Pending victim = from.victim();
      if (victim == null || (from == lane && !victim.optional() && p.optional())) {
        victim = p;
      } else {
        from.remove(victim);
        pending--;
        cancel(victim.timer);
      }
      records.recordDropped(victim);
      log.accept("webhook " + from.reg.id + " " + victim.event.eventId() + " job "
          + victim.event.jobId() + ": attempt " + victim.attempt + " dropped, "
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

  /** Whether the lane may start one more: within its share ({@link DeliveryLimits}). */
  private boolean laneRoom(Lane lane) {
    int lanesWithWork = lanes.size();
    return lane.inFlight < limits.inFlightShare(lanesWithWork)
        && lane.sending < limits.sendersShare(lanesWithWork);
  }

  /**
   * Starts what the lane's limit allows, while the global limits allow and no other lane is
   * waiting for them (it would be jumping the queue); else the lane waits its turn.
   */
  private void pump(Lane lane) {
    while (!closed && laneRoom(lane)) {
      Lane.Pending next = lane.ready.peekFirst();
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
      Lane.Pending next = laneRoom(lane) ? lane.ready.pollFirst() : null;
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
    if (lane.idle()) {
      lanes.remove(lane.reg, lane);
    }
  }

  private void attempt(Lane lane, Lane.Pending p) {
    Lane.Event e = p.event;
    if (!lane.reg.active.get()) {
      return;
    }
    if (!p.duplicate && rand.chance(cfg.dropWebhooks())) {
      records.record(e, p.attempt, 0, Optional.of("dropped"), true);
      retryOrGiveUp(lane, p);
      return;
    }
    if (closed || !senders.open()) {
      return;
    }
    Attempt a = new Attempt(lane, p, cfg.webhookTimeout(), cfg.clock(), cfg.standIn(), attemptEvents);
    lane.inFlight++;
    lane.sending++;
    inFlight++;
    sending++;
    attempts.add(a);
    try {
      a.deadline = scheduler.schedule(a::expire, cfg.webhookTimeout().toNanos(), TimeUnit.NANOSECONDS);
      senders.send(a);
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
    Lane.Event e = a.pending.event;
    int attempt = a.pending.attempt;
    // The status line is the answer: once it is in, a body cut off (by us at the deadline or the
    // size cap, or by the receiver) changes nothing.
    int code = response != null ? response.statusCode() : a.status;
    Optional<String> failure = DeliveryRecords.failure(code, error, cfg.webhookTimeout());
    if (code == 410 && !a.pending.duplicate) {
      // Unregister before recording, so whoever sees the 410 sees the registration gone.
      registry.unregister(e.reg().id).ifPresent(this::unregistered);
    }
    records.record(e, attempt, code, failure, false);
    if (a.pending.duplicate) {
      return;
    }
    if (code / 100 == 2) {
      if (rand.chance(cfg.duplicateWebhooks())) {
        Lane.Pending dup = new Lane.Pending(e, attempt, true);
        enqueue(lane, dup, Duration.ZERO);
      }
    } else if (code == 410) {
      log.accept("webhook " + e.reg().id + " answered 410: unregistered");
    } else {
      retryOrGiveUp(lane, a.pending);
    }
  }

  private void retryOrGiveUp(Lane lane, Lane.Pending p) {
    if (closed || !lane.reg.active.get()) {
      return;
    }
    List<Duration> delays = cfg.webhookRetries();
    if (p.attempt < delays.size()) {
      enqueue(lane, new Lane.Pending(p.event, p.attempt + 1, false), delays.get(p.attempt));
    } else {
      log.accept("webhook " + lane.reg.id + " " + p.event.eventId() + " job " + p.event.jobId()
          + ": gave up after " + p.attempt + " attempt(s)");
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  /** Stops all deliveries and cancels the attempts in flight, which closes their connections. */
  void close() {
    closed = true;
    senders.close();
    for (Attempt a : attempts) {
      a.cancel();
    }
    loop.shutdown();
  }

  void awaitTermination(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    if (!loop.awaitTermination(Math.min(nanos, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
      loop.shutdownNow();
    }
    senders.awaitTermination(deadline);
  }
}
