package io.vtstatus.internal.bench;

import io.vtstatus.JobStatus;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import io.vtstatus.internal.schedule.PollPlans;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The theory side of the benchmark: what the best possible schedule costs for a known duration
 * distribution, and what any given schedule costs.
 *
 * <p>Cost everywhere is {@code c·polls + detectionDelay} seconds, where {@code c} is what one
 * poll is worth, polls counts every poll up to and including the first at or after the job's end
 * {@code T}, and detectionDelay is that poll's time minus {@code T}. Stateless and thread-safe.
 */
public final class Optimum {
  /** How many of the ladder's polls {@link #stepped()} reads. */
  static final int LADDER_POLLS = 32;

  private Optimum() {}

  /** A fixed interval and its exact expected cost. */
  public record Fixed(double interval, double cost) {}

  /** A plan (ascending poll times, seconds) and its exact expected cost. */
  public record Plan(double[] times, double cost) {}

  /** The approximation {@code Δ* ≈ √(2·c·E[T])} for the best fixed interval. */
  public static double fixedApprox(TrueDurations d, double c) {
    return PollPlans.fixedApprox(d, c);
  }

  /** The best fixed interval for {@code d}: see {@link PollPlans#bestFixed}. */
  public static Fixed bestFixed(TrueDurations d, double c) {
    double[] f = PollPlans.bestFixed(d, c);
    return new Fixed(f[0], f[1]);
  }

  /** The Barlow–Hunter–Proschan floor for {@code d}: see {@link PollPlans#floor}. */
  public static Plan bhp(TrueDurations d, double c) {
    double[] times = PollPlans.floor(d, c);
    return new Plan(times, PollPlans.expectedCost(d, times, c));
  }

  /**
   * The exact expected cost of polling at {@code times} (ascending seconds; continued with the
   * last gap): integration of the cost over the intervals between polls.
   */
  public static double expectedCost(TrueDurations d, double[] times, double c) {
    return PollPlans.expectedCost(d, times, c);
  }

  /**
   * The stepped ladder's first {@value #LADDER_POLLS} poll times (seconds), read from {@link
   * PollSchedule#stepped()} itself: enough to reach its last step, which the cost functions
   * repeat.
   */
  public static double[] stepped() {
    PollSchedule ladder = PollSchedule.stepped();
    double[] t = new double[LADDER_POLLS];
    double x = 0;
    for (int i = 0; i < t.length; i++) {
      PollContext at = new PollContext("ladder", i, i, Duration.ofNanos(Math.round(x * 1e9)),
          JobStatus.PENDING, Optional.empty(), Optional.empty(), OptionalInt.empty(), false);
      x += ladder.nextDelay(at).toNanos() / 1e9;
      t[i] = x;
    }
    return t;
  }
}
