package io.vtstatus.internal.sim;

import io.vtstatus.JobStatus;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** One simulated job. Its state moves from pending to terminal once, by compare-and-set. */
final class Job {
  /** What a reader sees; replaced as a whole so status and time always agree. */
  record State(JobStatus status, Instant updatedAt) {}

  /** The {@code /status} body (without hints) for {@code state}, as UTF-8; never modified. */
  record Rendered(State state, byte[] body) {}

  final String id;
  final JobStatus outcome;
  /** {@link System#nanoTime()} based: deadlines must not move when the wall clock does. */
  final long startNanos;
  final long dueNanos;
  final AtomicReference<State> state;
  final AtomicInteger statusRequests = new AtomicInteger();
  volatile ScheduledFuture<?> timer;
  /**
   * The last body built, reused while the state is the same object. Racing writers build equal
   * bodies, so whichever write wins is right.
   */
  volatile Rendered rendered;

  Job(String id, JobStatus outcome, long startNanos, long durationNanos, Instant createdAt) {
    this.id = id;
    this.outcome = outcome;
    this.startNanos = startNanos;
    this.dueNanos = startNanos + durationNanos;
    this.state = new AtomicReference<>(new State(JobStatus.PENDING, createdAt));
  }

  boolean isDue(long nowNanos) {
    return nowNanos - dueNanos >= 0;
  }
}
