package io.vtstatus;

import io.vtstatus.internal.schedule.Schedules;
import java.time.Duration;
import java.util.Objects;

/**
 * Chooses the delay before the next status poll of a job. One schedule serves every job of a
 * {@link StatusClient}, from several threads at once: implementations must be thread-safe.
 *
 * <p>A custom schedule is a lambda away:
 *
 * <pre>{@code
 * PollSchedule schedule = ctx -> ctx.serverHint().orElse(Duration.ofSeconds(ctx.attempt() < 3 ? 1 : 5));
 * }</pre>
 *
 * <p>The client clamps whatever is returned to the time left before the watch's deadline, and
 * polls once more at the deadline itself, so a schedule never makes a watch give up early.
 */
@FunctionalInterface
public interface PollSchedule {

  /** The delay before the next poll; {@link Duration#ZERO} polls at once. Never null. */
  Duration nextDelay(PollContext context);

  /**
   * Told once for each job this client saw end, with the time from {@code watch()} to detection
   * (or the server's own duration when it reported one). Learning schedules use it; the default
   * does nothing.
   */
  default void jobFinished(Duration observedDuration) {}

  /**
   * As {@link #jobFinished(Duration)}, also saying which signal found the end; the client calls
   * this one. Learning schedules use it to estimate how often webhooks fail to arrive. The
   * default forwards to {@link #jobFinished(Duration)}.
   */
  default void jobFinished(Duration observedDuration, DetectedBy detectedBy) {
    jobFinished(observedDuration);
  }

  /** Polls every {@code interval}, ignoring server hints. */
  static PollSchedule fixed(Duration interval) {
    return Schedules.fixed(positive(interval, "interval"));
  }

  /**
   * Exponential backoff with full jitter: the n-th delay is uniform in {@code [0, min(max,
   * initial * factor^n)]}. Honours server hints when present.
   */
  static PollSchedule exponential(Duration initial, double factor, Duration max) {
    positive(initial, "initial");
    positive(max, "max");
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("Invalid factor: " + factor);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max " + max + " < initial " + initial);
    }
    return Schedules.exponential(initial, factor, max);
  }

  /**
   * The original Go client's ladder, for comparison: 4, 4, 4, 4, 4, 4, 2, 2, 1, 1 s, then 1 s.
   */
  static PollSchedule stepped() {
    return Schedules.stepped();
  }

  /**
   * The default: learns how long this client's jobs take and polls by the hazard-based optimum
   * for one poll worth 50 ms of delay; honours server hints; jitters per job; and stretches
   * into a sparse safety net while webhooks are arriving.
   */
  static PollSchedule adaptive() {
    return Schedules.adaptive(Schedules.DEFAULT_REQUEST_COST);
  }

  /**
   * An adaptive schedule for a different trade: one poll is worth {@code requestCost} of extra
   * detection delay. Larger means fewer polls and later detection.
   */
  static PollSchedule adaptive(Duration requestCost) {
    return Schedules.adaptive(positive(requestCost, "requestCost"));
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("Invalid duration for " + what + ": " + d);
    }
    return d;
  }
}
