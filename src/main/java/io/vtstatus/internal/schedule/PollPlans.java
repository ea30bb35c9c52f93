package io.vtstatus.internal.schedule;

import java.util.Arrays;

/**
 * Poll plans (ascending poll times in seconds, measured from {@code watch()}) for a known
 * duration distribution, and their exact expected cost.
 *
 * <p>Cost everywhere is {@code c·N + (X_N − T)} seconds: {@code c} is what one poll is worth,
 * {@code N} the number of polls up to and including the first poll at or after the job's end
 * {@code T}, and {@code X_N} that poll's time. A plan is continued past its last poll with its
 * last gap, so a finite plan still detects every job.
 *
 * <p>Two planners: {@link #bhp} is the Barlow–Hunter–Proschan recursion (the exact discrete
 * optimum once its first poll is right, but it amplifies noise in the density), and {@link
 * #keller} places polls where the cumulative optimal poll density {@code ∫ √(h/2c)} crosses
 * integers (Keller 1974) — monotone and robust on a noisy, learned distribution. Stateless.
 */
public final class PollPlans {
  /** Plans stop once less than this probability is left; the rest uses the last gap. */
  static final double TAIL_MASS = 1e-6;

  private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

  private PollPlans() {}

  /**
   * The exact expected cost of polling at {@code times} (ascending, seconds; continued with the
   * last gap) when one poll is worth {@code c} seconds: {@code Σ (c·k + x_k)·(F(x_k) − F(x_k−1))
   * − E[T]}.
   */
  public static double expectedCost(DurationDistribution m, double[] times, double c) {
    if (times.length == 0) {
      throw new IllegalArgumentException("empty plan");
    }
    double gap = times.length > 1 ? times[times.length - 1] - times[times.length - 2] : times[0];
    // A degenerate last gap would make the continuation crawl: never continue with steps below
    // 0.1% of the time already elapsed.
    gap = Math.max(gap, Math.max(1e-3 * times[times.length - 1], 1e-6));
    double prevF = 0;
    double sum = 0;
    double x = 0;
    for (int k = 1; ; k++) {
      x = k <= times.length ? times[k - 1] : x + gap;
      double f = m.cdf(x);
      sum += (c * k + x) * (f - prevF);
      prevF = f;
      if (1.0 - f <= 1e-13 || k >= 1_000_000) {
        // Whatever mass is left (if any) is charged as if detected at x: a tiny underestimate.
        sum += (c * (k + 1) + x) * Math.max(0, 1.0 - f);
        break;
      }
    }
    return sum - m.mean();
  }

  /**
   * The Barlow–Hunter–Proschan plan from first poll {@code x1}: {@code x[k+1] − x[k] =
   * (F(x[k]) − F(x[k−1])) / f(x[k]) − c}. Where the recursion fails (a step that is not positive
   * or not finite, or f = 0) it falls back to fixed steps of the last good step or {@code
   * fallback}, whichever is longer, so every plan covers the distribution.
   */
  public static double[] bhp(DurationDistribution m, double c, double x1, double fallback,
      int maxPolls) {
    double[] x = new double[Math.min(maxPolls, 64)];
    int n = 0;
    x[n++] = x1;
    double prev = 0;
    double step = fallback;
    boolean failed = false;
    while (n < maxPolls && m.survival(x[n - 1]) > TAIL_MASS) {
      double xk = x[n - 1];
      double next;
      if (!failed) {
        double f = m.pdf(xk);
        double s = f > 0 ? (m.cdf(xk) - m.cdf(prev)) / f - c : Double.NaN;
        if (s > 1e-9 && Double.isFinite(s)) {
          step = s;
        } else {
          failed = true;
          // Never crawl on with a tiny last step: a plan that failed early would walk a long
          // tail in thousands of polls, and the search tries 120 of them.
          step = Math.max(step, fallback);
        }
      }
      next = xk + step;
      prev = xk;
      if (n == x.length) {
        x = Arrays.copyOf(x, x.length * 2);
      }
      x[n++] = next;
    }
    return Arrays.copyOf(x, n);
  }

  /**
   * The best BHP plan: the first poll is searched on a grid of quantiles, then refined by
   * golden-section search between the grid neighbours of the best point.
   */
  public static double[] optimalBhp(DurationDistribution m, double c, int maxPolls) {
    double fallback = Math.sqrt(2 * c * Math.max(m.mean(), 1e-9));
    int grid = 120;
    double[] xs = new double[grid];
    double best = Double.POSITIVE_INFINITY;
    int bi = 0;
    for (int i = 0; i < grid; i++) {
      // Quantiles from 1e-4 to 0.995, denser in the lower tail where first polls usually sit.
      double p = 1e-4 + (0.995 - 1e-4) * Math.pow(i / (grid - 1.0), 1.5);
      xs[i] = Math.max(m.quantile(p), 1e-6);
      double cost = expectedCost(m, bhp(m, c, xs[i], fallback, maxPolls), c);
      if (cost < best) {
        best = cost;
        bi = i;
      }
    }
    double lo = xs[Math.max(0, bi - 1)];
    double hi = xs[Math.min(grid - 1, bi + 1)];
    double bestX = xs[bi];
    double a = hi - GOLDEN * (hi - lo);
    double b = lo + GOLDEN * (hi - lo);
    double fa = expectedCost(m, bhp(m, c, a, fallback, maxPolls), c);
    double fb = expectedCost(m, bhp(m, c, b, fallback, maxPolls), c);
    for (int it = 0; it < 40 && hi - lo > 1e-9 * Math.max(1, hi); it++) {
      if (fa < fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - GOLDEN * (hi - lo);
        fa = expectedCost(m, bhp(m, c, a, fallback, maxPolls), c);
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + GOLDEN * (hi - lo);
        fb = expectedCost(m, bhp(m, c, b, fallback, maxPolls), c);
      }
    }
    // The cost in x1 is not unimodal everywhere (recursion failures): keep the grid's best unless
    // the refinement really improved on it.
    if (Math.min(fa, fb) < best) {
      bestX = fa < fb ? a : b;
    }
    return bhp(m, c, bestX, fallback, maxPolls);
  }

  /**
   * Keller's rule discretised: the optimal poll density is {@code n(t) = √(h(t) / 2c)}; polls go
   * where {@code ∫₀ᵗ n} crosses {@code phase}, {@code phase + 1}, ... The integral is taken on a
   * log-spaced grid from the 1e-6 to the 1 − 1e-6 quantile.
   */
  public static double[] keller(DurationDistribution m, double c, double phase, int maxPolls) {
    double lo = Math.max(m.quantile(1e-6), 1e-4);
    double hi = m.quantile(1 - TAIL_MASS);
    if (!(hi > lo)) {
      return new double[] {Math.max(hi, 1e-3)};
    }
    int steps = 1200;
    double ratio = Math.pow(hi / lo, 1.0 / steps);
    double[] x = new double[Math.min(maxPolls, 64)];
    int n = 0;
    double target = phase;
    double g = 0;
    double t0 = 0;
    double t1 = lo;
    for (int i = 0; i <= steps && n < maxPolls; i++) {
      double mid = 0.5 * (t0 + t1);
      double h = m.hazard(mid);
      double dg = Double.isFinite(h) ? Math.sqrt(h / (2 * c)) * (t1 - t0) : Double.POSITIVE_INFINITY;
      while (g + dg >= target && n < maxPolls) {
        double where = Double.isFinite(dg) && dg > 0 ? t0 + (target - g) / dg * (t1 - t0) : t1;
        if (n == x.length) {
          x = Arrays.copyOf(x, x.length * 2);
        }
        x[n++] = where;
        target += 1;
        if (!Double.isFinite(dg)) {
          break;
        }
      }
      if (!Double.isFinite(dg)) {
        break;
      }
      g += dg;
      t0 = t1;
      t1 = t1 * ratio;
    }
    if (n == 0 || x[n - 1] < hi) {
      // Close the plan at the end of the distribution so its continuation gap is sensible.
      if (n == x.length) {
        x = Arrays.copyOf(x, x.length + 1);
      }
      x[n++] = hi;
    }
    return Arrays.copyOf(x, n);
  }

  /** The Keller plan with the best phase (a 1-D grid search over (0, 1]). */
  public static double[] optimalKeller(DurationDistribution m, double c, int maxPolls) {
    double[] best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int i = 1; i <= 20; i++) {
      double[] plan = keller(m, c, i / 20.0, maxPolls);
      double cost = expectedCost(m, plan, c);
      if (cost < bestCost) {
        bestCost = cost;
        best = plan;
      }
    }
    return best;
  }

  /**
   * Coordinate descent on the exact cost: each poll in turn moves to the best place between its
   * neighbours (golden section on its share of the cost, {@code F(x)·(x − x[k+1] − c) −
   * x·F(x[k−1])}), for {@code sweeps} sweeps or until nothing moves. A fixed point satisfies the
   * BHP optimality condition, so this polishes a plan that the recursion (which is unstable) or
   * Keller's asymptotic rule only approximates. Returns a new array; the last poll stays put.
   */
  public static double[] polish(DurationDistribution m, double[] plan, double c, int sweeps) {
    double[] x = plan.clone();
    for (int sweep = 0; sweep < sweeps; sweep++) {
      double moved = 0;
      for (int k = 0; k + 1 < x.length; k++) {
        double left = k == 0 ? 0 : x[k - 1];
        double right = x[k + 1];
        double fLeft = k == 0 ? 0 : m.cdf(left);
        double a = left;
        double b = right;
        for (int it = 0; it < 30; it++) {
          double p = b - GOLDEN * (b - a);
          double q = a + GOLDEN * (b - a);
          double gp = m.cdf(p) * (p - right - c) - p * fLeft;
          double gq = m.cdf(q) * (q - right - c) - q * fLeft;
          if (gp < gq) {
            b = q;
          } else {
            a = p;
          }
        }
        double best = 0.5 * (a + b);
        double now = m.cdf(x[k]) * (x[k] - right - c) - x[k] * fLeft;
        double then = m.cdf(best) * (best - right - c) - best * fLeft;
        if (then < now) {
          moved = Math.max(moved, Math.abs(best - x[k]));
          x[k] = best;
        }
      }
      if (moved < 1e-7) {
        break;
      }
    }
    return x;
  }

  /** The longest plan the floor searches: more polls than any sensible distribution needs. */
  static final int FLOOR_MAX_POLLS = 100_000;

  /**
   * The Barlow–Hunter–Proschan optimum for {@code m}: the best recursion plan and Keller's plan,
   * each polished by coordinate descent (whose fixed points satisfy the BHP condition), the
   * cheaper kept. The cost in x1 has several local minima on multimodal distributions and the
   * recursion is numerically unstable, hence both starts. The floor no schedule can beat
   * (strictly: the best stationary point found; checked against a brute force in tests).
   */
  public static double[] floor(DurationDistribution m, double c) {
    double[] best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (double[] start : new double[][] {
        optimalBhp(m, c, FLOOR_MAX_POLLS), optimalKeller(m, c, FLOOR_MAX_POLLS)}) {
      double[] times = polish(m, start, c, 200);
      double cost = expectedCost(m, times, c);
      if (cost < bestCost) {
        bestCost = cost;
        best = times;
      }
    }
    return best;
  }

  /** The approximation {@code Δ* ≈ √(2·c·E[T])} for the best fixed interval. */
  public static double fixedApprox(DurationDistribution m, double c) {
    return Math.sqrt(2 * c * m.mean());
  }

  /**
   * The best fixed interval {@code {interval, cost}}: golden-section search on the exact cost
   * over [Δ* ÷ 20, 20 × Δ*] after a coarse log grid (the cost in Δ has small ripples where
   * ⌈T/Δ⌉ jumps).
   */
  public static double[] bestFixed(DurationDistribution m, double c) {
    double guess = fixedApprox(m, c);
    double lo = guess / 20;
    double hi = guess * 20;
    int grid = 400;
    double ratio = Math.pow(hi / lo, 1.0 / grid);
    double best = lo;
    double bestCost = Double.POSITIVE_INFINITY;
    for (double x = lo; x <= hi * 1.0000001; x *= ratio) {
      double cost = expectedCost(m, new double[] {x}, c);
      if (cost < bestCost) {
        bestCost = cost;
        best = x;
      }
    }
    double a = best / ratio;
    double b = best * ratio;
    for (int i = 0; i < 60; i++) {
      double x1 = b - GOLDEN * (b - a);
      double x2 = a + GOLDEN * (b - a);
      if (expectedCost(m, new double[] {x1}, c) < expectedCost(m, new double[] {x2}, c)) {
        b = x2;
      } else {
        a = x1;
      }
    }
    double x = 0.5 * (a + b);
    double cost = expectedCost(m, new double[] {x}, c);
    return cost < bestCost ? new double[] {x, cost} : new double[] {best, bestCost};
  }
}
