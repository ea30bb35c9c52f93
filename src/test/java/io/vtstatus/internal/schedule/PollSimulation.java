package io.vtstatus.internal.schedule;

import io.vtstatus.JobStatus;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Polls simulated jobs on a fake time axis: zero request latency, the job is seen done by the
 * first poll at or after its duration. No clock, no threads, no sleeping.
 */
final class PollSimulation {
  private PollSimulation() {}

  /** One job's outcome: polls made and detection delay (seconds). */
  record Outcome(int polls, double delay) {
    double cost(double c) {
      return c * polls + delay;
    }
  }

  static PollContext ctx(String id, int attempt, double elapsedSeconds, boolean webhooks) {
    return new PollContext(id, attempt, attempt, Duration.ofNanos(Math.round(elapsedSeconds * 1e9)),
        JobStatus.PENDING, Optional.empty(), Optional.empty(), OptionalInt.empty(), webhooks);
  }

  static Outcome run(PollSchedule schedule, String jobId, double duration) {
    double now = 0;
    for (int attempt = 0; attempt < 1_000_000; attempt++) {
      now += schedule.nextDelay(ctx(jobId, attempt, now, false)).toNanos() / 1e9;
      if (now >= duration) {
        return new Outcome(attempt + 1, now - duration);
      }
    }
    throw new AssertionError("job never detected");
  }
}
