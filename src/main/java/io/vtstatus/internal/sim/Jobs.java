package io.vtstatus.internal.sim;

import io.vtstatus.JobStatus;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.util.Durations;
import io.vtstatus.internal.util.ExpiringMap;
import io.vtstatus.internal.util.StageStamps;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The simulator's jobs from start to end. A job starts pending with a due time and ends once:
 * by its timer (on the delivery thread, {@link Deliveries#jobTimers}), by hand, or when a {@code /status} finds it due,
 * whichever wins the compare-and-set; the winner hands its event to {@link Deliveries}. The
 * jobs themselves, and their bounds, are the {@link JobStore}'s.
 */
final class Jobs {
  static final int MAX_IDEMPOTENCY_KEYS = 10_000;

  private final Config cfg;
  private final Rand rand;
  private final ScheduledExecutorService scheduler;
  private final Deliveries deliveries;
  private final Consumer<String> log;
  /** Hears each job's end, on the thread that ended it: held long polls are answered then. */
  private final Consumer<Job> ended;
  private final JobStore store;
  /**
   * Idempotency-Key to job id, the newest {@value #MAX_IDEMPOTENCY_KEYS}. A key is kept as long as
   * a job can live (the longest duration plus retention), so it never expires before its job.
   */
  private final ExpiringMap<String, String> idempotencyKeys;
  private volatile boolean closed;

  Jobs(Config cfg, Rand rand, ScheduledExecutorService scheduler, Deliveries deliveries,
      Consumer<String> log, Consumer<Job> ended) {
    this.cfg = cfg;
    this.rand = rand;
    this.scheduler = scheduler;
    this.deliveries = deliveries;
    this.log = log;
    this.ended = ended;
    this.store = new JobStore(cfg.maxJobs(), cfg.retain().toNanos());
    this.idempotencyKeys = new ExpiringMap<>(MAX_IDEMPOTENCY_KEYS,
        DurationSamplers.MAX.plus(cfg.retain()).toNanos(), System::nanoTime);
    // Lookups expire jobs exactly; the sweep only returns the memory of jobs nobody asks about.
    long sweep = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
        Math.min(TimeUnit.SECONDS.toNanos(1), cfg.retain().toNanos() / 4));
    scheduler.scheduleWithFixedDelay(() -> store.expire(System.nanoTime()), sweep, sweep,
        TimeUnit.NANOSECONDS);
  }

  /** A duration drawn from the configured delay. */
  Duration randomDuration() {
    return rand.sample(cfg.delay());
  }

  /** An outcome drawn with the configured error rate. */
  JobStatus randomOutcome() {
    return rand.chance(cfg.errorRate()) ? JobStatus.ERROR : JobStatus.COMPLETED;
  }

  /** Creates and starts a job with a new id; {@code outcome} must be terminal. */
  Job create(Duration duration, JobStatus outcome) throws JobStore.FullException {
    Job job;
    do {
      String id = cfg.standIn().isPresent() ? cfg.standIn().get().newId(rand) : rand.id("job_");
      job = new Job(id, outcome, System.nanoTime(), duration.toNanos(),
          cfg.clock().instant());
    } while (!store.add(job));
    started(job, duration);
    return job;
  }

  /**
   * The job {@code idempotencyKey} names if it is still held, else a new one that the key names
   * from now on.
   */
  Job create(String idempotencyKey, Duration duration, JobStatus outcome)
      throws JobStore.FullException {
    // Held only while creating a job in memory; /status never takes this lock.
    synchronized (idempotencyKeys) {
      Optional<Job> known = idempotencyKeys.get(idempotencyKey).flatMap(this::get);
      if (known.isPresent()) {
        return known.get();
      }
      Job job = create(duration, outcome);
      idempotencyKeys.put(idempotencyKey, job.id);
      return job;
    }
  }

  /** The job behind {@code GET /status} without an id, created (and started) on first use. */
  Job defaultJob() throws JobStore.FullException {
    Optional<Job> existing = get(Protocol.DEFAULT_JOB);
    if (existing.isPresent()) {
      return existing.get();
    }
    Duration d = randomDuration();
    JobStatus outcome = randomOutcome();
    Job fresh = new Job(Protocol.DEFAULT_JOB, outcome, System.nanoTime(), d.toNanos(),
        cfg.clock().instant());
    if (!store.add(fresh)) {
      // Another request created it first; it is pinned, so it is still there.
      return get(Protocol.DEFAULT_JOB).orElseThrow();
    }
    started(fresh, d);
    return fresh;
  }

  private void started(Job job, Duration duration) {
    if (cfg.log().isPresent()) {
      log.accept("job " + job.id + " pending, due in " + Durations.format(duration) + " as "
          + job.outcome.wireName());
    }
    try {
      job.timer = deliveries.jobTimers().schedule(() -> finish(job, job.outcome, false),
          duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // Closing: /status would still finish the job lazily, but nobody can ask any more.
    }
  }

  /** Job {@code id} now; empty if unknown, evicted or expired. */
  Optional<Job> get(String id) {
    return store.get(id, System.nanoTime());
  }

  /** The job's state now; a job past its due time is finished here, so it is never stale. */
  Job.State current(Job job) {
    Job.State s = job.state();
    if (!s.status().isTerminal() && job.isDue(System.nanoTime())) {
      finish(job, job.outcome, false);
      s = job.state();
    }
    return s;
  }

  /** Ends {@code job} now with {@code outcome}; false if it had ended already. */
  boolean complete(Job job, JobStatus outcome) {
    return finish(job, outcome, true);
  }

  /**
   * Ends a job with {@code outcome} unless it has ended already. Exactly one caller wins the
   * compare-and-set; the winner hands the webhooks to the delivery thread.
   */
  private boolean finish(Job job, JobStatus outcome, boolean byHand) {
    Job.State cur = job.state();
    if (cur.status().isTerminal()) {
      return false;
    }
    Job.State next = new Job.State(outcome, cfg.clock().instant());
    if (!job.casState(cur, next)) {
      return false;
    }
    long now = System.nanoTime();
    StageStamps.at(StageStamps.JOB_ENDED, job.id, now);
    ScheduledFuture<?> timer = job.timer;
    if (byHand && timer != null) {
      timer.cancel(false);
    }
    job.timer = null;
    job.rendered = null;
    store.ended(job, now);
    ended.accept(job);
    if (cfg.log().isPresent()) {
      log.accept("job " + job.id + " " + outcome.wireName() + (byHand ? " (by hand)" : "")
          + " after " + Durations.format(Duration.ofNanos(now - job.startNanos)));
    }
    if (!closed) {
      deliveries.jobFinished(job.id, next);
    }
    return true;
  }

  /** The jobs held now (pending, and ended ones not yet expired or evicted). */
  int size() {
    return store.size();
  }

  /** Jobs expired or evicted so far. */
  long removed() {
    return store.removed();
  }

  /** From now on, jobs that end send no webhooks. */
  void close() {
    closed = true;
  }
}
