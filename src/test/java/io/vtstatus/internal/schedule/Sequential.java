package io.vtstatus.internal.schedule;

import java.time.Duration;
import java.util.Optional;

/**
 * An adaptive schedule on a fake clock fed jobs one after another, as a client that runs one job
 * at a time sees them: each report advances the clock by the job's duration, so no job overlaps
 * another and forgetting runs in the order jobs ended (and started).
 */
final class Sequential {
  long now;
  final AdaptiveSchedule schedule;

  Sequential(Duration cost) {
    this(cost, AdaptiveSchedule.DEFAULT_MIN, AdaptiveSchedule.DEFAULT_MAX);
  }

  Sequential(Duration cost, Duration min, Duration max) {
    schedule = new AdaptiveSchedule(cost, min, max, () -> now, Optional.empty());
  }

  /** A job of {@code seconds} ran and ended. */
  void finish(double seconds) {
    now += Math.round(seconds * 1e9);
    schedule.jobFinished(Duration.ofNanos(Math.round(seconds * 1e9)));
  }
}
