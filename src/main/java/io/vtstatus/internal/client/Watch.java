package io.vtstatus.internal.client;

import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.util.Scheduler;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongConsumer;

/**
 * One caller waiting for one job: its state machine and its timers. A watch is pending until it
 * ends, exactly once, by a result or a failure; ending cancels its poll timer, its deadline
 * timer and its request in flight, and nothing can arm a timer on an ended watch. Every field
 * that changes is private and guarded by the watch's monitor, which only its own methods take,
 * for short steps and never while calling out: callers record what happened ({@code record...})
 * and read what they report ({@link #snapshot()}, {@link #context}) through them.
 */
final class Watch {
  final String jobId;
  final URI statusUri;
  final long startNanos;
  /** When the first watch of this wait began: this one, or the one a resume token continues. */
  final Instant startWall;
  /** How long the wait had lasted when this watch began (0 unless resumed). */
  final long priorNanos;
  /** The wall-clock deadline, for resume tokens; empty for a watch without a deadline. */
  final Optional<Instant> deadlineWall;
  /** False for a timeout too long to matter: such a watch has no deadline timer at all. */
  final boolean bounded;
  final long deadlineNanos;
  /** From here on the next poll is the last: its answer is due by the deadline. */
  final long finalPollNanos;
  /** Completed only by the client, once; users see a copy completed on their executor. */
  final CompletableFuture<JobResult> result = new CompletableFuture<>();
  /** What {@code await} blocks on: independent of any executor. */
  final CountDownLatch done = new CountDownLatch(1);

  private boolean ended;
  private Scheduler.Cancellable pollTimer;
  private long pollDueNanos;
  /** How many poll timers were armed: the number a firing timer must match. */
  private long armings;
  private Scheduler.Cancellable deadlineTimer;
  private CompletableFuture<?> inFlight;
  private boolean waitingForPermit;
  /** A poll asked for while one was in flight (a hint's confirmation): when it is due. */
  private long recheckNanos = Long.MAX_VALUE;
  private boolean hasRecheck;
  private long lastSentNanos;
  private boolean sentAny;
  private boolean finalPollSent;

  /**
   * Its first poll was brought forward to the first look (the job may have ended before the
   * watch): set before the first poll is armed, read when the first answer comes.
   */
  private boolean earlyLook;
  /** Status requests sent by the wait, from its first watch (a resumed wait's included). */
  private int polls;
  /** Requests this watch sent that were answered. */
  private int answered;
  /** Requests failed in a row since the last answer. */
  private int failures;
  private JobStatus last = JobStatus.PENDING;
  private IOException lastFailure;
  private Optional<Duration> retryAfter = Optional.empty();
  private Optional<Duration> eta = Optional.empty();
  private OptionalInt progress = OptionalInt.empty();
  /** The last pending answer's {@code ETag}: the next read asks whether it still holds. */
  private Optional<StatusApi.Validator> validator = Optional.empty();

  /** What results, failures and events report of a watch: read together, under its lock. */
  record Snapshot(JobStatus last, int polls, IOException lastFailure) {}

  /** Where a wait stands when its watch begins: a new wait, or one a resume token carried on. */
  record Origin(Instant began, long priorNanos, int priorPolls) {
    static Origin fresh(Instant now) {
      return new Origin(now, 0, 0);
    }
  }

  Watch(String jobId, URI statusUri, long startNanos, Instant startWall, long timeoutNanos,
      long finalBudgetNanos) {
    this(jobId, statusUri, startNanos, startWall, timeoutNanos, finalBudgetNanos,
        Origin.fresh(startWall));
  }

  /** {@code nowWall}: the wall clock at {@code startNanos}; {@code origin}: where the wait stands. */
  Watch(String jobId, URI statusUri, long startNanos, Instant nowWall, long timeoutNanos,
      long finalBudgetNanos, Origin origin) {
    this.jobId = jobId;
    this.statusUri = statusUri;
    this.startNanos = startNanos;
    this.startWall = origin.began();
    this.priorNanos = origin.priorNanos();
    this.polls = origin.priorPolls();
    this.bounded = timeoutNanos < Engine.UNBOUNDED_NANOS;
    this.deadlineWall = bounded ? Optional.of(nowWall.plusNanos(timeoutNanos)) : Optional.empty();
    this.deadlineNanos = bounded ? startNanos + timeoutNanos : Long.MAX_VALUE;
    this.finalPollNanos = bounded ? deadlineNanos - finalBudgetNanos : Long.MAX_VALUE;
  }

  /** Time left before the deadline at {@code now} (huge for an unbounded watch). */
  long remaining(long now) {
    return bounded ? deadlineNanos - now : Long.MAX_VALUE;
  }

  /** How long the wait has lasted at {@code now}, counted from its first watch. */
  Duration waited(long now) {
    return Duration.ofNanos(now - startNanos + priorNanos);
  }

  /** A token another client can continue this wait from (see {@link ResumeToken}). */
  synchronized ResumeToken resumeToken(String server, String protocol) {
    return new ResumeToken(server, protocol, jobId, deadlineWall, polls, startWall);
  }

  synchronized boolean ended() {
    return ended;
  }

  synchronized void deadlineTimer(Scheduler.Cancellable t) {
    if (ended) {
      t.cancel();
    } else {
      deadlineTimer = t;
    }
  }

  /**
   * Arms the poll timer for {@code dueNanos}, unless an earlier poll is already armed (a
   * confirmation is never pushed back by a later scheduled poll), a poll is in flight (then the
   * poll is remembered and armed when the answer comes), or the watch has ended. The timer
   * hands {@code fire} the number of this arming: see {@link #fired(long)}.
   */
  synchronized void arm(long dueNanos, Scheduler scheduler, LongConsumer fire) {
    if (ended) {
      return;
    }
    if (inFlight != null || waitingForPermit) {
      hasRecheck = true;
      recheckNanos = Math.min(recheckNanos, dueNanos);
      return;
    }
    if (pollTimer != null) {
      if (pollDueNanos <= dueNanos) {
        return;
      }
      pollTimer.cancel();
    }
    long n = ++armings;
    pollDueNanos = dueNanos;
    pollTimer = scheduler.schedule(() -> fire.accept(n), dueNanos - scheduler.nanoTime());
  }

  /**
   * Poll timer number {@code arming} fired: true if the watch should queue for a permit. A timer
   * replaced while it was already running (cancelling it came too late) is stale: it neither
   * polls nor forgets the timer that replaced it, which would otherwise run a second poll chain
   * that {@link #end()} could not cancel.
   */
  synchronized boolean fired(long arming) {
    if (arming != armings) {
      return false;
    }
    pollTimer = null;
    if (ended || inFlight != null || waitingForPermit) {
      return false;
    }
    waitingForPermit = true;
    return true;
  }

  /** Asked by the gate: is this poll still wanted? */
  synchronized boolean wantsPermit() {
    if (ended) {
      waitingForPermit = false;
    }
    return !ended;
  }

  /**
   * The gate granted a permit at {@code now}: true if the request should go out (the watch is
   * pending and at least {@code minLeft} remains before its deadline).
   */
  synchronized boolean beginSend(long now, long minLeft) {
    waitingForPermit = false;
    if (ended || inFlight != null || remaining(now) < minLeft) {
      return false;
    }
    polls++;
    lastSentNanos = now;
    sentAny = true;
    if (now >= finalPollNanos) {
      finalPollSent = true;
    }
    return true;
  }

  /** Records the request in flight so that ending the watch aborts it. */
  synchronized boolean inFlight(CompletableFuture<?> f) {
    if (ended) {
      return false;
    }
    inFlight = f;
    return true;
  }

  /**
   * The request in flight ended. Returns when a poll asked for meanwhile is due ({@code
   * Long.MAX_VALUE} if none was).
   */
  synchronized long landed() {
    inFlight = null;
    long r = hasRecheck ? recheckNanos : Long.MAX_VALUE;
    hasRecheck = false;
    recheckNanos = Long.MAX_VALUE;
    return r;
  }

  /** When the last request went out, if one did. */
  synchronized long lastSentNanos() {
    return sentAny ? lastSentNanos : Long.MIN_VALUE;
  }

  synchronized boolean finalPollSent() {
    return finalPollSent;
  }

  /** Ends the watch if it has not ended: true for the one caller that ends it. */
  boolean end() {
    Scheduler.Cancellable p;
    Scheduler.Cancellable d;
    CompletableFuture<?> f;
    synchronized (this) {
      if (ended) {
        return false;
      }
      ended = true;
      p = pollTimer;
      d = deadlineTimer;
      f = inFlight;
      pollTimer = null;
      deadlineTimer = null;
      inFlight = null;
    }
    if (p != null) {
      p.cancel();
    }
    if (d != null) {
      d.cancel();
    }
    if (f != null) {
      f.cancel(true);
    }
    return true;
  }

  /** What the schedule sees of this watch at {@code now}. */
  synchronized io.vtstatus.PollContext context(long now, boolean webhooksArriving) {
    return new io.vtstatus.PollContext(jobId, polls, answered, waited(now), last, retryAfter, eta,
        progress, webhooksArriving);
  }

  /** The first poll goes out early, as the first look: call before it is armed. */
  synchronized void lookEarly() {
    earlyLook = true;
  }

  /** Status requests the wait has sent so far, from its first watch. */
  synchronized int polls() {
    return polls;
  }

  /** The {@code ETag} the next read asks about, if the last pending answer had one. */
  synchronized Optional<StatusApi.Validator> validator() {
    return validator;
  }

  /**
   * A request was answered: failures in a row start again from none. True when this answer is
   * the first look's: the watch's first answer, its first poll brought forward (failed
   * requests before it were the first look retried).
   */
  synchronized boolean recordAnswer() {
    boolean firstLook = earlyLook && answered == 0;
    answered++;
    failures = 0;
    lastFailure = null;
    return firstLook;
  }

  /** What a pending answer said about the next poll. */
  synchronized void recordPending(Optional<Duration> retryAfter, Optional<Duration> eta,
      OptionalInt progress, Optional<StatusApi.Validator> validator) {
    this.retryAfter = retryAfter;
    this.eta = eta;
    this.progress = progress;
    this.validator = validator;
  }

  /** A webhook's estimate and progress, each only when it carried one. */
  synchronized void recordProgress(Optional<Duration> eta, OptionalInt progress) {
    if (eta.isPresent()) {
      this.eta = eta;
    }
    if (progress.isPresent()) {
      this.progress = progress;
    }
  }

  /** A request failed with {@code e}: returns how many failed in a row, this one included. */
  synchronized int recordFailure(IOException e) {
    lastFailure = e;
    return ++failures;
  }

  /** The job's status is {@code now} as far as this watch knows: returns what it was before. */
  synchronized JobStatus recordStatus(JobStatus now) {
    JobStatus before = last;
    last = now;
    return before;
  }

  /** The last status seen, the polls sent and the last request's failure, read together. */
  synchronized Snapshot snapshot() {
    return new Snapshot(last, polls, lastFailure);
  }

  /**
   * The job's duration as seen from {@code watch()}. A poll detects the end up to one interval
   * late; learning from detection times would teach the schedule its own lateness. The server's
   * {@code updated_at} says when the job really ended, so we use it when it is plausible. Empty
   * when the job ended before the watch began: how long it ran is unknown, and teaching zero
   * would make every job look as if it could end at once.
   */
  Optional<Duration> observedDuration(Duration waited, Optional<Instant> updatedAt) {
    if (updatedAt.isEmpty()) {
      return Optional.of(waited);
    }
    Duration d = Duration.between(startWall, updatedAt.get());
    if (d.isNegative()) {
      return Optional.empty();
    }
    return Optional.of(d.compareTo(waited) > 0 ? waited : d);
  }

  /** Test hook: whether a poll timer is armed, and for when. */
  synchronized Optional<Long> armedFor() {
    return pollTimer == null ? Optional.empty() : Optional.of(pollDueNanos);
  }
}
