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
  public static double fixedCost(Distribution d, double interval, double c) {
    return PollPlans.expectedCost(d, new double[] {interval}, c);
  }

  /** The approximation {@code Δ* ≈ √(2·c·E[T])} for the best fixed interval. */
  public static double fixedApprox(Distribution d, double c) {
    return Math.sqrt(2 * c * d.mean());
  }

  /**
   * The best fixed interval, by golden-section search on the exact cost over [Δ* ÷ 20, 20 × Δ*]
   * after a coarse log grid (the cost in Δ has small ripples where ⌈T/Δ⌉ jumps).
   */
  public static Fixed bestFixed(Distribution d, double c) {
    double guess = fixedApprox(d, c);
    double lo = guess / 20;
    double hi = guess * 20;
    int grid = 400;
    double ratio = Math.pow(hi / lo, 1.0 / grid);
    double best = lo;
    double bestCost = Double.POSITIVE_INFINITY;
    for (double x = lo; x <= hi * 1.0000001; x *= ratio) {
      double cost = fixedCost(d, x, c);
      if (cost < bestCost) {
        bestCost = cost;
        best = x;
      }
    }
    double a = best / ratio;
    double b = best * ratio;
    double g = (Math.sqrt(5) - 1) / 2;
    for (int i = 0; i < 60; i++) {
      double x1 = b - g * (b - a);
      double x2 = a + g * (b - a);
      if (fixedCost(d, x1, c) < fixedCost(d, x2, c)) {
        b = x2;
      } else {
        a = x1;
      }
    }
    double x = 0.5 * (a + b);
    double cost = fixedCost(d, x, c);
    return cost < bestCost ? new Fixed(x, cost) : new Fixed(best, bestCost);
  }

  /**
   * The Barlow–Hunter–Proschan optimum: the recursion {@code x[k+1] − x[k] = (F(x[k]) −
   * F(x[k−1])) / f(x[k]) − c} from the first poll {@code x1} that minimises the exact expected
   * cost (grid over quantiles, then golden section), polished by coordinate descent. The floor
   * no schedule can beat (strictly: the best stationary point found; checked against brute force
   * on small cases).
   */
  public static Plan bhp(Distribution d, double c) {
    // The cost in x1 has several local minima on multimodal distributions and the recursion is
    // numerically unstable, so both the recursion's best plan and Keller's asymptotic plan are
    // polished by coordinate descent (whose fixed points satisfy the BHP condition) and the
    // cheaper one is kept.
    Plan best = null;
    for (double[] start : new double[][] {
        PollPlans.optimalBhp(d, c, MAX_POLLS), PollPlans.optimalKeller(d, c, MAX_POLLS)}) {
      double[] times = PollPlans.polish(d, start, c, 200);
      double cost = PollPlans.expectedCost(d, times, c);
      if (best == null || cost < best.cost()) {
        best = new Plan(times, cost);
      }
    }
    return best;
  }

  /** The BHP recursion from a given first poll (falls back to fixed steps where it fails). */
  public static double[] bhpFrom(Distribution d, double c, double x1) {
    return PollPlans.bhp(d, c, x1, fixedApprox(d, c), MAX_POLLS);
  }

  /**
   * The exact expected cost of polling at {@code times} (ascending seconds; continued with the
   * last gap): integration of the cost over the intervals between polls.
   */
  public static double expectedCost(Distribution d, double[] times, double c) {
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
  public static double monteCarloCost(Distribution d, double[] times, double c, int n, long seed) {
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
