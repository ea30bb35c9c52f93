package io.vtstatus.internal.sim;

import io.vtstatus.JobStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * One simulated job. Its state moves from pending to terminal once, by compare-and-set. A store
 * holds up to 100,000 of these, so fields are plain volatiles with {@link VarHandle}s rather
 * than atomic objects (32 bytes a job less).
 */
final class Job {
  private static final VarHandle STATE;
  private static final VarHandle STATUS_REQUESTS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(Job.class, "state", State.class);
      STATUS_REQUESTS = l.findVarHandle(Job.class, "statusRequests", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What a reader sees; replaced as a whole so status and time always agree. */
  record State(JobStatus status, Instant updatedAt) {}

  /**
   * The {@code /status} body (without hints) for {@code state}, as UTF-8, and its {@code ETag};
   * never modified.
   */
  record Rendered(State state, byte[] body, String etag) {}

  final String id;
  final JobStatus outcome;
  /** {@link System#nanoTime()} based: deadlines must not move when the wall clock does. */
  final long startNanos;
  final long dueNanos;
  @SuppressWarnings("unused") // through STATE
  private volatile State state;
  @SuppressWarnings("unused") // through STATUS_REQUESTS
  private volatile int statusRequests;
  /** The timer that ends the job on time; dropped once it has ended, so it holds no memory. */
  volatile ScheduledFuture<?> timer;
  /** When the job ended ({@link System#nanoTime()}), valid once {@link #ended} is true. */
  volatile long endedNanos;
  volatile boolean ended;
  /**
   * The last body built, reused while the state is the same object. Racing writers build equal
   * bodies, so whichever write wins is right. Dropped when the job ends, so a job nobody polls
   * after it ended holds no body.
   */
  volatile Rendered rendered;

  Job(String id, JobStatus outcome, long startNanos, long durationNanos, Instant createdAt) {
    this.id = id;
    this.outcome = outcome;
    this.startNanos = startNanos;
    this.dueNanos = startNanos + durationNanos;
    this.state = new State(JobStatus.PENDING, createdAt);
  }

  State state() {
    return (State) STATE.getVolatile(this);
  }

  boolean casState(State expected, State next) {
    return STATE.compareAndSet(this, expected, next);
  }

  void countStatusRequest() {
    STATUS_REQUESTS.getAndAdd(this, 1);
  }

  int statusRequests() {
    return (int) STATUS_REQUESTS.getVolatile(this);
  }

  boolean isDue(long nowNanos) {
    return nowNanos - dueNanos >= 0;
  }
}
