package io.vtstatus.internal.bench;

import io.vtstatus.internal.schedule.PollPlans;
import java.util.Random;

/**
 * The theory side of the benchmark: what the best possible schedule costs for a known duration
 * distribution, and what any given schedule costs.
 *
 * <p>Cost everywhere is {@code c·polls + detectionDelay} seconds, where {@code c} is what one
 * poll is worth, polls counts every poll up to and including the first at or after the job's end
 * {@code T}, and detectionDelay is that poll's time minus {@code T}. Stateless and thread-safe.
 */
public final class Optimum {
  /** The longest BHP plan searched: more polls than any sensible scenario needs. */
  static final int MAX_POLLS = 100_000;

  private Optimum() {}

  /** A fixed interval and its exact expected cost. */
  public record Fixed(double interval, double cost) {}

  /** A plan (ascending poll times, seconds) and its exact expected cost. */
  public record Plan(double[] times, double cost) {}

  /** The exact expected cost of polling every {@code interval} seconds. */
  public static double fixedCost(TrueDurations d, double interval, double c) {
    return PollPlans.expectedCost(d, new double[] {interval}, c);
  }

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

  /** The BHP recursion from a given first poll (falls back to fixed steps where it fails). */
  public static double[] bhpFrom(TrueDurations d, double c, double x1) {
    return PollPlans.bhp(d, c, x1, fixedApprox(d, c), MAX_POLLS);
  }

  /**
   * The exact expected cost of polling at {@code times} (ascending seconds; continued with the
   * last gap): integration of the cost over the intervals between polls.
   */
  public static double expectedCost(TrueDurations d, double[] times, double c) {
    return PollPlans.expectedCost(d, times, c);
  }

  /** The original ladder's poll times: 4,4,4,4,4,4,2,2,1,1 s apart, then every 1 s. */
  public static double[] stepped() {
    double[] gaps = {4, 4, 4, 4, 4, 4, 2, 2, 1, 1};
    double[] t = new double[gaps.length];
    double x = 0;
    for (int i = 0; i < gaps.length; i++) {
      x += gaps[i];
      t[i] = x;
    }
    return t;
  }

  /**
   * The mean cost of polling at {@code times} over {@code n} durations drawn with {@code seed}: a
   * Monte-Carlo check of {@link #expectedCost}.
   */
  public static double monteCarloCost(TrueDurations d, double[] times, double c, int n, long seed) {
    Random rnd = new Random(seed);
    double gap = times.length > 1 ? times[times.length - 1] - times[times.length - 2] : times[0];
    double sum = 0;
    for (int j = 0; j < n; j++) {
      double t = d.sample(rnd);
      int k = 0;
      double x = 0;
      while (true) {
        x = k < times.length ? times[k] : x + gap;
        k++;
        if (x >= t) {
          break;
        }
      }
      sum += c * k + (x - t);
    }
    return sum / n;
  }
}
