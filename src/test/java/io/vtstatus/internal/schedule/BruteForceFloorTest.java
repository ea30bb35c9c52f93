package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import io.vtstatus.internal.bench.Optimum;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Barlow–Hunter–Proschan floor for lognormal(3 s, σ 0.3), c = 50 ms, checked against a brute
 * force that shares no code with the planner: dynamic programming over every poll schedule on a
 * 5 ms grid, with the lognormal's cdf and partial mean written out here from its closed form.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BruteForceFloorTest {
  static final double MU = Math.log(3);
  static final double SIGMA = 0.3;
  static final double C = 0.05;

  /** erfc by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), not the library's. */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.3275911 * z);
    double y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
        + t * (-1.453152027 + t * 1.061405429))));
    double r = y * Math.exp(-z * z);
    return x >= 0 ? r : 2 - r;
  }

  static double phi(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /** F(x). */
  static double cdf(double x) {
    return x <= 0 ? 0 : phi((Math.log(x) - MU) / SIGMA);
  }

  /** ∫₀ˣ t f(t) dt = e^(μ+σ²/2) Φ((ln x − μ − σ²)/σ). */
  static double partialMean(double x) {
    return x <= 0 ? 0 : Math.exp(MU + SIGMA * SIGMA / 2) * phi((Math.log(x) - MU - SIGMA * SIGMA) / SIGMA);
  }

  /**
   * The least expected cost over schedules polling on the grid {@code k·h}: J(x) = min over the
   * next poll y of c·S(x) (that poll is made iff the job is still running at x) + the delay of
   * jobs ending in (x, y] + J(y).
   */
  static double bruteForce(double h, double end, double c) {
    int n = (int) Math.round(end / h);
    double[] f = new double[n + 1];
    double[] m = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      f[i] = cdf(i * h);
      m[i] = partialMean(i * h);
    }
    double[] j = new double[n + 1];
    j[n] = 0;
    for (int i = n - 1; i >= 0; i--) {
      double best = Double.POSITIVE_INFINITY;
      double s = 1 - f[i];
      for (int k = i + 1; k <= n; k++) {
        double y = k * h;
        double v = c * s + (y * (f[k] - f[i]) - (m[k] - m[i])) + j[k];
        if (v < best) {
          best = v;
        }
      }
      j[i] = best;
    }
    return j[0];
  }

  @Test
  void theFloorMatchesABruteForceOverEveryScheduleOnAFineGrid() {
    double brute = bruteForce(0.005, 12, C);
    double floor = Optimum.bhp(TrueDurations.lognormal(3, SIGMA), C).cost();
    String msg = String.format(Locale.ROOT, "brute force %.5f, BHP floor %.5f", brute, floor);
    System.out.println("FLOOR " + msg);
    assertEquals(0.4026, brute, 0.0005, msg);
    assertEquals(brute, floor, 0.0005, msg);
    assertTrue(floor < Optimum.bestFixed(TrueDurations.lognormal(3, SIGMA), C).cost() - 0.1, msg);
  }

  @Test
  void theBruteForceItselfIsRightOnCasesSolvedByHand() {
    // Free polls: poll at every grid point, and the mean delay is about half a step.
    assertEquals(0.005, bruteForce(0.01, 12, 0), 0.0005);
    // Polls so dear that one is best: at the end of the support, a delay of end − E[T].
    double mean = Math.exp(MU + SIGMA * SIGMA / 2);
    assertEquals(1e9 + 12 - mean, bruteForce(0.05, 12, 1e9), 0.01);
  }
}
