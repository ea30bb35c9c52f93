package io.vtstatus.internal.schedule;

import io.vtstatus.JobStatus;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Many jobs started together, polled by one schedule on a fake time axis: zero request latency,
 * a job is seen done by its first poll at or after its end, which is reported with its true
 * duration (as a server's {@code updated_at} gives it). The schedule's clock is this axis.
 */
final class Burst {
  /** Fake time in nanoseconds: the schedule under test reads it as its clock. */
  long now;
  final double[] durations;
  final int[] polls;
  final double[] detected;
  int ended;
  private final PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
  private final int[] attempts;

  Burst(double[] durations) {
    this.durations = durations;
    this.polls = new int[durations.length];
    this.detected = new double[durations.length];
    this.attempts = new int[durations.length];
  }

  static PollContext ctx(String id, int attempt, double elapsed, JobStatus status) {
    return new PollContext(id, attempt, attempt, Duration.ofNanos(Math.round(elapsed * 1e9)), status,
        Optional.empty(), Optional.empty(), OptionalInt.empty(), false);
  }

  /** Starts every job at time 0 (the first delay is asked for at once). */
  void start(PollSchedule s) {
    for (int j = 0; j < durations.length; j++) {
      schedule(s, j);
    }
  }

  private long[] started;

  /** Starts job j at j × spread / n seconds (as a loop submitting them one by one would). */
  void startSpread(PollSchedule s, double spread) {
    started = new long[durations.length];
    for (int j = 0; j < durations.length; j++) {
      started[j] = Math.round(spread * 1e9 * j / durations.length);
      queue.add(new long[] {started[j], j, 1});
    }
  }

  private long startOf(int j) {
    return started == null ? 0 : started[j];
  }

  private void schedule(PollSchedule s, int j) {
    double elapsed = (now - startOf(j)) / 1e9;
    Duration d = s.nextDelay(ctx("job-" + j, attempts[j], elapsed, JobStatus.PENDING));
    queue.add(new long[] {now + Math.max(1, d.toNanos()), j, 0});
  }

  /** Runs polls in time order until {@code stop} holds (checked after each job ends) or all end. */
  void runUntil(PollSchedule s, Predicate<Burst> stop) {
    while (!queue.isEmpty()) {
      long[] next = queue.poll();
      now = next[0];
      int j = (int) next[1];
      if (next.length > 2 && next[2] == 1) {
        schedule(s, j);
        continue;
      }
      polls[j]++;
      attempts[j]++;
      double t = (now - startOf(j)) / 1e9;
      if (t >= durations[j]) {
        detected[j] = t;
        ended++;
        s.jobFinished(Duration.ofNanos(Math.round(durations[j] * 1e9)), io.vtstatus.DetectedBy.POLL);
        s.watchEnded(ctx("job-" + j, attempts[j], t, JobStatus.COMPLETED));
        if (stop.test(this)) {
          return;
        }
      } else {
        schedule(s, j);
      }
    }
  }

  double pollsPerJob() {
    long n = 0;
    for (int p : polls) {
      n += p;
    }
    return (double) n / polls.length;
  }
}
