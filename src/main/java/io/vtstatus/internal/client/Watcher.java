package io.vtstatus.internal.client;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobListener;
import io.vtstatus.JobNotFoundException;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.JobTimeoutException;
import io.vtstatus.PollSchedule;
import io.vtstatus.ProtocolException;
import io.vtstatus.internal.jfr.Flight;
import io.vtstatus.internal.util.StageStamps;
import io.vtstatus.internal.util.Scheduler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every watch of one client: when each polls, what an answer means, when each gives up, and
 * what a webhook event does to them. Time comes from a {@link Scheduler} and requests go
 * through a {@link StatusApi}, so every race here runs on fake time in tests.
 *
 * <p>The rules it owns:
 *
 * <ul>
 *   <li>Each watch has a deadline timer of its own: it ends on time even when every request
 *       permit is held by a stalled server. No request starts after the deadline, and the
 *       last one is timed so its answer is due by it.
 *   <li>Two polls of one watch are at least {@link #MIN_INTERVAL_NANOS} apart, whatever the
 *       schedule says.
 *   <li>An unsigned webhook is a hint, confirmed by one poll of one of its job's watches at
 *       the slot {@link WebhookSignals} grants (what webhooks told us lives there).
 *   <li>A poll that finds a job ended ends every watch of that job.
 * </ul>
 */
final class Watcher implements WebhookSink {
  /** The least time between two polls of one watch: a schedule cannot make a hot loop. */
  static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** A request needs at least this much time left before the deadline to be worth sending. */
  static final long MIN_REQUEST_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** The last poll starts at most this long before the deadline. */
  static final long MAX_FINAL_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(1);
  /**
   * A job this client did not just create may have ended before its watch began: no webhook
   * will come for it, so its first poll is due within this, whatever the schedule learned.
   */
  static final long FIRST_LOOK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The wait a read asks for until the server has been seen holding one. */
  static final long PROBE_WAIT_SECONDS = 1;

  /** When a watch's first poll goes out. */
  enum FirstPoll {
    /** At once: the original protocol's one job, whose state nothing else tells us. */
    NOW,
    /** When the schedule says: a job this client created moments ago is running. */
    SCHEDULED,
    /** When the schedule says, but within {@link #FIRST_LOOK_NANOS}: the job may be over. */
    SOON
  }

  private final Scheduler scheduler;
  private final StatusApi api;
  private final RequestGate gate;
  private final SafeSchedule schedule;
  private final JobListener listener;
  private final Registration registration;
  private final WebhookSignals signals;
  private final Clock clock;
  private final long requestTimeoutNanos;
  /**
   * The longest wait a read asks the server to hold (whole seconds, 0: none): the configured
   * cap, lowered below whatever the path was seen to cut held reads at.
   */
  private final AtomicLong holdSeconds;
  private final AtomicBoolean cutReported = new AtomicBoolean();
  /**
   * The server has held a read ({@code Preference-Applied}): from then on a watch's first read
   * goes out at once, since a held read costs one request however early it starts.
   */
  private volatile boolean serverHolds;
  private final ConcurrentHashMap<String, Set<Watch>> watches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  Watcher(Scheduler scheduler, StatusApi api, PollSchedule schedule, JobListener listener,
      Registration registration, Clock clock, Duration requestTimeout, int maxConcurrentRequests) {
    this(scheduler, api, schedule, listener, registration, clock, requestTimeout,
        maxConcurrentRequests, Duration.ZERO);
  }

  /** As above, asking the server to hold each read for up to {@code longPoll} (zero: never). */
  Watcher(Scheduler scheduler, StatusApi api, PollSchedule schedule, JobListener listener,
      Registration registration, Clock clock, Duration requestTimeout, int maxConcurrentRequests,
      Duration longPoll) {
    this(scheduler, api, schedule, listener, registration, clock, requestTimeout,
        maxConcurrentRequests, longPoll, RequestGate.DEFAULT_HELD);
  }

  /**
   * As above, with up to {@code maxHeldReads} reads the server is expected to hold in flight
   * beside the request permits.
   */
  Watcher(Scheduler scheduler, StatusApi api, PollSchedule schedule, JobListener listener,
      Registration registration, Clock clock, Duration requestTimeout, int maxConcurrentRequests,
      Duration longPoll, int maxHeldReads) {
    this.holdSeconds = new AtomicLong(longPoll.toSeconds());
    this.scheduler = scheduler;
    this.api = api;
    this.gate = new RequestGate(maxConcurrentRequests, maxHeldReads, scheduler);
    this.schedule = new SafeSchedule(schedule);
    this.listener = listener;
    this.registration = registration;
    this.clock = clock;
    this.requestTimeoutNanos = Engine.saturatedNanos(requestTimeout);
    this.signals = new WebhookSignals(scheduler, registration);
  }

  // ---------------------------------------------------------------- starting and ending

  /** Starts watching {@code jobId} at {@code statusUri}, its first poll due as {@code first} says. */
  Watch start(String jobId, URI statusUri, Duration timeout, FirstPoll first) {
    return start(jobId, statusUri, timeout, first, Optional.empty());
  }

  /** As above, continuing the wait {@code origin} describes, if any (a resume token's). */
  Watch start(String jobId, URI statusUri, Duration timeout, FirstPoll first,
      Optional<Watch.Origin> origin) {
    if (closed) {
      throw new IllegalStateException("client is closed");
    }
    long now = scheduler.nanoTime();
    long timeoutNanos = Engine.saturatedNanos(timeout);
    long budget = Math.min(Math.min(requestTimeoutNanos, MAX_FINAL_BUDGET_NANOS), timeoutNanos / 4);
    Instant wall = clock.instant();
    Watch w = new Watch(jobId, statusUri, now, wall, timeoutNanos, budget,
        origin.orElseGet(() -> Watch.Origin.fresh(wall)));
    // compute, not computeIfAbsent + add: a concurrent detach may drop an emptied set between
    // the two, and a watch added to that set would never hear its webhook.
    watches.compute(jobId, (k, s) -> {
      Set<Watch> set = s == null ? ConcurrentHashMap.newKeySet() : s;
      set.add(w);
      return set;
    });
    if (closed) {
      fail(w, new CancellationException("client closed"));
      return w;
    }
    if (w.bounded) {
      try {
        w.deadlineTimer(scheduler.schedule(() -> timeout(w), timeoutNanos));
      } catch (RejectedExecutionException e) {
        fail(w, new CancellationException("client closed"));
        return w;
      }
    }
    // The listener stores an event before it looks for watches, and we joined the map before
    // looking here: an event racing this watch is seen by one side or the other.
    Optional<StatusAnswer> ev = signals.verifiedEvent(jobId);
    if (ev.isPresent()) {
      // The job ended before this watch began: how long it ran is not ours to learn.
      endedByWebhook(List.of(w), ev.get(), Lesson.NONE);
      return w;
    }
    if (signals.hinted(jobId)) {
      confirm(jobId);
    }
    long delay = first == FirstPoll.NOW || serverHolds && holdSeconds.get() > 0 ? 0
        : nextDelayNanos(w, now);
    if (first == FirstPoll.SOON && delay > FIRST_LOOK_NANOS) {
      w.lookEarly();
      delay = FIRST_LOOK_NANOS;
    }
    arm(w, now + delay);
    return w;
  }

  /** The user cancelled or completed their future: the watch stops polling. */
  void cancel(Watch w) {
    fail(w, new CancellationException("watch cancelled"));
  }

  /** Ends every watch with {@link CancellationException}; later {@link #start}s throw. */
  void closeAll() {
    closed = true;
    for (Set<Watch> s : watches.values()) {
      for (Watch w : s) {
        fail(w, new CancellationException("client closed"));
      }
    }
  }

  /** A live watch of {@code jobId}, if there is one. */
  Optional<Watch> anyWatch(String jobId) {
    for (Watch w : watchesOf(jobId)) {
      if (!w.ended()) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  int active() {
    int n = 0;
    for (Set<Watch> s : watches.values()) {
      n += s.size();
    }
    return n;
  }

  boolean webhooksArriving() {
    return signals.arriving();
  }

  /** What the schedule learns from one job's end. */
  private enum Lesson {
    /** Nothing: the job ended before its watch began. */
    NONE,
    /**
     * Its duration, not which signal found it: a poll the schedule did not ask for (the first
     * look) says nothing about how often webhooks are lost or late.
     */
    DURATION,
    /** Its duration and which signal found it. */
    ALL
  }

  /**
   * {@code event} ended {@code ws}' job: each watch not ended yet ends with it, and the schedule
   * learns the {@code lesson} once (the duration from the watch that saw most of it). The user's
   * callbacks run last, and whatever they throw, each watch's result and latch complete.
   */
  private void ended(List<Watch> ws, StatusAnswer event, DetectedBy by, Lesson lesson) {
    ended(ws, event, by, lesson, scheduler.nanoTime(), 0);
  }

  /**
   * As {@link #ended(List, StatusAnswer, DetectedBy, Lesson)}, the job detected at {@code
   * detectedNanos}, and {@code extraPolls} requests made since counted in each result.
   */
  private void ended(List<Watch> ws, StatusAnswer event, DetectedBy by, Lesson lesson,
      long detectedNanos, int extraPolls) {
    List<Watch> ending = new ArrayList<>(ws.size());
    for (Watch w : ws) {
      if (w.end()) {
        ending.add(w);
      }
    }
    if (ending.isEmpty()) {
      return;
    }
    long now = detectedNanos;
    try {
      Optional<Duration> longest = Optional.empty();
      for (Watch w : ending) {
        changed(w, event.status());
        detach(w);
        Optional<Duration> d = w.observedDuration(w.waited(now), event.updatedAt());
        if (d.isPresent() && (longest.isEmpty() || d.get().compareTo(longest.get()) > 0)) {
          longest = d;
        }
      }
      if (lesson != Lesson.NONE && longest.isPresent()) {
        schedule.jobFinished(longest.get(), lesson == Lesson.ALL ? by : null);
      }
    } finally {
      for (Watch w : ending) {
        finish(w, event, by, now, extraPolls);
      }
    }
  }

  private void finish(Watch w, StatusAnswer event, DetectedBy by, long now, int extraPolls) {
    int polls = w.polls() + extraPolls;
    JobResult r = event.result(w.jobId, by, polls, w.waited(now));
    Flight.watchEnded(w.jobId, event.status(), by, null, polls, now - w.startNanos);
    StageStamps.at(StageStamps.WATCH_COMPLETED, w.jobId);
    try {
      listener.completed(r);
    } finally {
      w.result.complete(r);
      w.done.countDown();
    }
  }

  private void fail(Watch w, Throwable failure) {
    fail(w, failure, false);
  }

  /** Ends {@code w} with {@code failure}; {@code unknown}: a 404 or an unusable answer. */
  private void fail(Watch w, Throwable failure, boolean unknown) {
    if (!w.end()) {
      return;
    }
    try {
      detach(w, unknown);
      long now = scheduler.nanoTime();
      Watch.Snapshot s = w.snapshot();
      Flight.watchEnded(w.jobId, s.last(), null, failure, s.polls(), now - w.startNanos);
      listener.failed(w.jobId, failure, w.waited(now));
    } finally {
      w.result.completeExceptionally(failure);
      w.done.countDown();
    }
  }

  private void timeout(Watch w) {
    Watch.Snapshot s = w.snapshot();
    JobTimeoutException t =
        new JobTimeoutException(w.jobId, s.last(), w.waited(scheduler.nanoTime()), s.polls());
    if (s.lastFailure() != null) {
      t.initCause(s.lastFailure());
    }
    fail(w, t);
  }

  private void detach(Watch w) {
    detach(w, false);
  }

  private void detach(Watch w, boolean unknown) {
    watches.computeIfPresent(w.jobId, (k, s) -> {
      s.remove(w);
      return s.isEmpty() ? null : s;
    });
    // Every watch ends here once: the schedule stops counting its job as running (and keeps a
    // watch that gave up as a job known to run at least this long, unless the job may not exist).
    io.vtstatus.PollContext last = w.context(scheduler.nanoTime(), signals.arriving());
    if (unknown) {
      schedule.watchEndedUnknown(last);
    } else {
      schedule.watchEnded(last);
    }
  }

  private void changed(Watch w, JobStatus now) {
    JobStatus before = w.recordStatus(now);
    if (before != now) {
      listener.statusChanged(w.jobId, before, now);
    }
  }

  // ---------------------------------------------------------------- polling

  /**
   * Arms {@code w}'s next poll for {@code dueNanos}, no sooner than the minimum interval after
   * its last request, and no later than its last-poll slot; after the last poll went out, only
   * the deadline is left.
   */
  private void arm(Watch w, long dueNanos) {
    long last = w.lastSentNanos();
    if (last != Long.MIN_VALUE && dueNanos - last < MIN_INTERVAL_NANOS) {
      dueNanos = last + MIN_INTERVAL_NANOS;
    }
    if (w.bounded && dueNanos - w.finalPollNanos >= 0) {
      if (w.finalPollSent()) {
        return;
      }
      dueNanos = w.finalPollNanos;
    }
    try {
      w.arm(dueNanos, scheduler, arming -> fire(w, arming));
    } catch (RejectedExecutionException e) {
      fail(w, new CancellationException("client closed"));
    }
  }

  private void fire(Watch w, long arming) {
    if (!w.fired(arming)) {
      return;
    }
    gate.submit(new RequestGate.Ticket() {
      @Override
      public boolean wanted() {
        return w.wantsPermit();
      }

      @Override
      public void start(Runnable release) {
        send(w, release);
      }

      @Override
      public boolean held() {
        // A read the server is expected to hold goes out beside the permits, holding no thread.
        return serverHolds && waitSeconds(w.remaining(scheduler.nanoTime())) > 0;
      }
    });
  }

  private void send(Watch w, Runnable release) {
    long now = scheduler.nanoTime();
    if (!w.beginSend(now, MIN_REQUEST_NANOS)) {
      release.run();
      return;
    }
    int attempt = w.polls();
    CompletableFuture<StatusApi.Polled> f;
    Object flight;
    long wait = waitSeconds(w.remaining(now));
    try {
      listener.pollSent(w.jobId, attempt);
      // Begun after the user's callback: the event's duration is the request's alone.
      flight = Flight.pollBegin();
      Optional<StatusApi.Validator> since = w.validator();
      long timeout = Math.min(requestTimeoutNanos + TimeUnit.SECONDS.toNanos(wait), w.remaining(now));
      f = api.poll(w.jobId, w.statusUri, Duration.ofNanos(timeout), new StatusApi.Read(since, wait, serverHolds));
    } catch (Throwable e) {
      // Nothing went out: the permit is free again, and a bug must not leave the watch hanging.
      release.run();
      w.landed();
      fail(w, e);
      return;
    }
    if (!w.inFlight(f)) {
      f.cancel(true);
    }
    f.whenComplete((p, e) -> {
      Flight.pollEnd(flight, w.jobId, attempt, p == null ? null : p.answer().status(), e);
      release.run();
      long recheck = w.landed();
      if (e != null && cut(w, wait, now, e)) {
        arm(w, scheduler.nanoTime());
        return;
      }
      answered(w, attempt, p, e, recheck);
    });
  }

  /**
   * How long the next read may be held when {@code remainingNanos} are left: the cap, but
   * short enough that the hold and a request's time both end by the deadline; 0 below a second.
   */
  private long waitSeconds(long remainingNanos) {
    long cap = holdSeconds.get();
    if (cap <= 0) {
      return 0;
    }
    if (!serverHolds) {
      // Until the server is seen holding a read, a read holds a request permit: a short wait
      // gives it back soon, and its answer tells whether later reads may go out beside them.
      cap = Math.min(cap, PROBE_WAIT_SECONDS);
    }
    long room = remainingNanos - requestTimeoutNanos;
    return room <= 0 ? 0 : Math.min(cap, room / TimeUnit.SECONDS.toNanos(1));
  }

  /**
   * Whether {@code err} ended a read held for up to {@code wait} seconds (sent at {@code
   * sentNanos}) before the server answered: a connection closed or a {@code 502}/{@code 504}
   * after at least a second, which is what a proxy that cuts idle requests does. Then reads are
   * held shorter from now on, the first cut is reported, and the watch reads again at once: the
   * user sees no failure. The JDK's client resends a {@code GET} once, unseen, when its
   * connection closes before an answer, so a path that cuts at T shows as a failure after up to
   * 2T: three eighths of what we saw is below T either way.
   */
  private boolean cut(Watch w, long wait, long sentNanos, Throwable err) {
    if (wait <= 0 || w.ended()) {
      return false;
    }
    Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    boolean cutLike = e instanceof StatusApi.Retryable
        ? ((StatusApi.Retryable) e).status() == 502 || ((StatusApi.Retryable) e).status() == 504
        : e instanceof IOException && !(e instanceof ProtocolException)
            && !(e instanceof JobNotFoundException) && !(e instanceof HttpTimeoutException);
    long held = scheduler.nanoTime() - sentNanos;
    if (!cutLike || held < TimeUnit.SECONDS.toNanos(1)) {
      return false;
    }
    long shorter = held / 8 * 3 / TimeUnit.SECONDS.toNanos(1);
    long before = holdSeconds.getAndUpdate(c -> Math.min(c, shorter));
    if (shorter < before && cutReported.compareAndSet(false, true)) {
      String how = e instanceof StatusApi.Retryable
          ? "answered " + ((StatusApi.Retryable) e).status() : "its connection closed";
      Engine.LOG.log(System.Logger.Level.WARNING, "a held status read of {0} was cut after {1} ms"
          + " ({2}): {3} from now on", w.statusUri.getHost(), TimeUnit.NANOSECONDS.toMillis(held),
          how, shorter > 0 ? "reads are held for at most " + shorter + " s" : "reads are not held");
      listener.longPollCut(Duration.ofNanos(held), Duration.ofSeconds(shorter));
    }
    return true;
  }

  private void answered(Watch w, int attempt, StatusApi.Polled p, Throwable err, long recheck) {
    if (w.ended()) {
      return;
    }
    long now = scheduler.nanoTime();
    if (err != null) {
      Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (e instanceof CancellationException) {
        return;
      }
      if (e instanceof JobNotFoundException) {
        // A server that lost a job may have restarted and lost our registration with it.
        registration.refreshSoon();
        fail(w, e, true);
      } else if (e instanceof ProtocolException) {
        fail(w, e, true);
      } else if (e instanceof IOException) {
        long d = transientFailure(w, attempt, (IOException) e);
        arm(w, Math.min(now + d, recheck));
      } else if (e instanceof RejectedExecutionException) {
        fail(w, new CancellationException("client closed"));
      } else {
        // A bug of ours or the JDK's must not leave a watch hanging.
        fail(w, e);
      }
      return;
    }
    StatusAnswer a = p.answer();
    listener.pollAnswered(w.jobId, attempt, a.status());
    boolean firstLook = w.recordAnswer();
    changed(w, a.status());
    if (a.status().isTerminal()) {
      polledTerminal(w.jobId, a, firstLook ? Lesson.DURATION : Lesson.ALL);
      return;
    }
    signals.polledPending(w.jobId, w.lastSentNanos());
    w.recordPending(p.retryAfter(), a.eta(), a.progress(), p.validator());
    if (p.held() && !serverHolds) {
      serverHolds = true;
      gate.heldPossible();
    }
    long next = now + nextDelayNanos(w, now);
    // A server that held the read answers when something changed or its wait ran out: reading
    // again at once costs one request per hold, and misses nothing in between.
    arm(w, Math.min(p.held() ? now : next, recheck));
  }

  /** A poll found {@code jobId} ended: every watch of it ends, and webhook health learns. */
  private void polledTerminal(String jobId, StatusAnswer a, Lesson lesson) {
    signals.polledTerminal(jobId, lesson != Lesson.ALL);
    ended(watchesOf(jobId), a, DetectedBy.POLL, lesson);
  }

  private List<Watch> watchesOf(String jobId) {
    Set<Watch> s = watches.get(jobId);
    return s == null ? List.of() : new ArrayList<>(s);
  }

  private long transientFailure(Watch w, int attempt, IOException e) {
    int failures = w.recordFailure(e);
    listener.pollFailed(w.jobId, attempt, e);
    // Full jitter: uniform in [0, min(cap, base * 2^n)], so clients that failed together do not
    // come back together; a server's Retry-After is a floor.
    long cap = Math.min(TimeUnit.SECONDS.toNanos(30),
        TimeUnit.MILLISECONDS.toNanos(250) << Math.min(failures, 20));
    long d = (long) (ThreadLocalRandom.current().nextDouble() * cap);
    if (e instanceof StatusApi.Retryable) {
      Optional<Duration> ra = ((StatusApi.Retryable) e).retryAfter();
      if (ra.isPresent()) {
        d = Math.max(d, Engine.saturatedNanos(ra.get()));
      }
    }
    return d;
  }

  private long nextDelayNanos(Watch w, long now) {
    return schedule.nextDelayNanos(w.context(now, signals.arriving()));
  }

  // ---------------------------------------------------------------- webhooks

  @Override
  public void accept(String jobId, StatusAnswer event, boolean verified, Delivery raw) {
    StageStamps.at(StageStamps.ACTED, jobId);
    listener.webhookReceived(jobId, event.status(), verified);
    if (!event.status().isTerminal()) {
      progressed(jobId, event, verified);
      return;
    }
    if (!verified) {
      signals.hint(jobId);
    } else {
      signals.verified(jobId, event);
    }
    // Kept first, looked for second: a watch starting meanwhile sees the event or is seen here.
    List<Watch> ws = watchesOf(jobId);
    if (ws.isEmpty()) {
      listener.webhookForUnwatchedJob(jobId, raw.headers(), raw.body());
    } else if (!verified) {
      confirm(jobId);
    } else {
      endedByWebhook(ws, event, Lesson.ALL);
    }
  }

  /**
   * A state that ends nothing (Replicate's {@code start}, {@code output}, {@code logs}): a
   * verified one shows that webhooks arrive, and its estimate and progress, when the body has
   * them, reach the schedule of every watch of the job at once (the next poll's answer replaces
   * them); an unverified one changes nothing.
   */
  private void progressed(String jobId, StatusAnswer event, boolean verified) {
    if (!verified) {
      return;
    }
    signals.arrived();
    if (event.eta().isEmpty() && event.progress().isEmpty()) {
      return;
    }
    long now = scheduler.nanoTime();
    for (Watch w : watchesOf(jobId)) {
      w.recordProgress(event.eta(), event.progress());
      // The schedule hears it now; a poll it wants sooner is armed, one already due sooner kept.
      arm(w, now + nextDelayNanos(w, now));
    }
  }

  /**
   * A verified {@code event} ends {@code ws}. When it carries neither output nor error (OpenAI's
   * and AssemblyAI's bodies hold only the id and the state) and the protocol reads them from
   * its answers, the job's status is read once more to fill them: the outcome and the detection
   * time stay the event's, and the read counts as a poll. A read that fails or finds the job
   * otherwise ends the watches with the event as it is. The read is bounded by the request
   * timeout and the first watch's deadline; it does not wait for a request permit.
   */
  private void endedByWebhook(List<Watch> ws, StatusAnswer event, Lesson lesson) {
    ProtocolSpec p = api.protocol();
    long at = scheduler.nanoTime();
    if (p.builtin() || event.output().isPresent() || event.error().isPresent()
        || p.output().isEmpty() && p.error().isEmpty()) {
      ended(ws, event, DetectedBy.WEBHOOK, lesson, at, 0);
      return;
    }
    Watch first = ws.get(0);
    // Within the watch's deadline, like any request: the outcome is known, so a read that
    // would end after it is not worth making.
    long budget = Math.min(requestTimeoutNanos, first.remaining(at));
    if (budget < MIN_REQUEST_NANOS) {
      ended(ws, event, DetectedBy.WEBHOOK, lesson, at, 0);
      return;
    }
    CompletableFuture<StatusApi.Polled> f;
    try {
      f = api.poll(first.jobId, first.statusUri, Duration.ofNanos(budget));
    } catch (RuntimeException e) {
      ended(ws, event, DetectedBy.WEBHOOK, lesson, at, 0);
      return;
    }
    f.whenComplete((polled, e) -> {
      StatusAnswer filled = event;
      if (polled != null && polled.answer().status() == event.status()) {
        filled = event.withOutputOf(polled.answer());
      }
      ended(ws, filled, DetectedBy.WEBHOOK, lesson, at, 1);
    });
  }

  /**
   * Polls {@code jobId} soon to check a hint, at most once per job per second: the poll of one
   * of its watches (an ended job's answer ends them all). Nothing is spent on jobs nobody
   * watches; a later watch finds the hint and confirms it then.
   */
  private void confirm(String jobId) {
    List<Watch> ws = watchesOf(jobId);
    if (ws.isEmpty()) {
      return;
    }
    signals.confirmationSlot(jobId).ifPresent(at -> arm(ws.get(0), at));
  }

  /** Test hook: polls waiting for a request permit. */
  RequestGate gate() {
    return gate;
  }
}
