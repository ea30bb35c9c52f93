package io.vtstatus.internal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.schedule.PollPlans;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OptimumTest {

  @Test
  void reproducesTheIssueFigureForTightLognormal() {
    TrueDurations d = TrueDurations.lognormal(3, 0.3);
    double c = 0.05;
    Optimum.Plan bhp = Optimum.bhp(d, c);
    Optimum.Fixed fixed = Optimum.bestFixed(d, c);
    System.out.printf("lognormal(3,0.3) c=0.05: BHP %.4f (x1=%.3f, %d polls planned), best fixed %.4f at %.3f s, approx Δ*=%.3f%n",
        bhp.cost(), bhp.times()[0], bhp.times().length, fixed.cost(), fixed.interval(), Optimum.fixedApprox(d, c));
    assertEquals(0.404, bhp.cost(), 0.404 * 0.03);
    assertEquals(0.585, fixed.cost(), 0.585 * 0.03);
    // The optimum waits for the bulk: its first poll is well into the distribution.
    assertTrue(bhp.times()[0] > d.quantile(0.05), "first poll " + bhp.times()[0]);
  }

  @Test
  void fixedApproximationIsCloseToTheNumericalOptimum() {
    TrueDurations d = TrueDurations.exponential(2);
    double c = 0.05;
    Optimum.Fixed fixed = Optimum.bestFixed(d, c);
    assertEquals(Optimum.fixedApprox(d, c), fixed.interval(), 0.1 * fixed.interval());
  }

  @Test
  void exactCostAgreesWithMonteCarlo() {
    TrueDurations d =
        TrueDurations.mixture(0.7, TrueDurations.lognormal(1, 0.3), TrueDurations.lognormal(8, 0.3));
    double c = 0.05;
    double[] plan = Optimum.bhp(d, c).times();
    double exact = Optimum.expectedCost(d, plan, c);
    double mc = monteCarloCost(d, plan, c, 200_000, 7);
    assertEquals(exact, mc, 0.02 * exact);
    double[] stepped = Optimum.stepped();
    assertEquals(Optimum.expectedCost(d, stepped, c), monteCarloCost(d, stepped, c, 200_000, 7), 0.02 * 2);
  }

  /**
   * Uniform(1, 3) s, c = 0.2 s: every schedule of at most four polls whose last poll is 3 s (a
   * later last poll only adds delay), on a 0.01 s grid, with the cost computed from the uniform's
   * closed form rather than through the code under test.
   */
  @Test
  void bhpFloorMatchesBruteForceOnUniform() {
    double a = 1;
    double b = 3;
    double c = 0.2;
    double best = Double.POSITIVE_INFINITY;
    int steps = 200;
    double h = (b - a) / steps;
    // Polls p1 < p2 < p3 < 3 inside [1, 3) (polls before 1 are pure waste) plus the final one.
    best = Math.min(best, bruteCost(new double[] {b}, a, b, c));
    for (int i = 1; i < steps; i++) {
      double p1 = a + i * h;
      best = Math.min(best, bruteCost(new double[] {p1, b}, a, b, c));
      for (int j = i + 1; j < steps; j++) {
        double p2 = a + j * h;
        best = Math.min(best, bruteCost(new double[] {p1, p2, b}, a, b, c));
        for (int k = j + 1; k < steps; k++) {
          best = Math.min(best, bruteCost(new double[] {p1, p2, a + k * h, b}, a, b, c));
        }
      }
    }
    Optimum.Plan bhp = Optimum.bhp(TrueDurations.uniform(a, b), c);
    System.out.printf("uniform(1,3) c=0.2: brute force %.5f, BHP %.5f %s%n", best, bhp.cost(),
        java.util.Arrays.toString(bhp.times()));
    assertTrue(bhp.times().length <= 4);
    assertEquals(best, bhp.cost(), 0.005);
    assertTrue(bhp.cost() <= best + 1e-9, "BHP is the continuous optimum, the grid can only be worse");
  }

  /** Expected cost on uniform(a, b) in closed form: each poll interval holds mass len/(b − a). */
  private static double bruteCost(double[] polls, double a, double b, double c) {
    double cost = 0;
    double prev = a;
    for (int k = 0; k < polls.length; k++) {
      double len = polls[k] - prev;
      double mass = len / (b - a);
      cost += mass * (c * (k + 1) + len / 2);
      prev = polls[k];
    }
    return cost;
  }

  @Test
  void recursionFailureFallsBackToFixedSteps() {
    TrueDurations d = TrueDurations.uniform(1, 3);
    // A tiny first poll makes the recursion's step negative at once: it must still cover [1, 3].
    double[] plan = PollPlans.bhp(d, 0.2, 0.01, PollPlans.fixedApprox(d, 0.2), 100_000);
    assertTrue(plan[plan.length - 1] >= 3, "plan ends at " + plan[plan.length - 1]);
    for (int i = 1; i < plan.length; i++) {
      assertTrue(plan[i] > plan[i - 1]);
    }
    assertTrue(Double.isFinite(Optimum.expectedCost(d, plan, 0.2)));
  }

  @Test
  void empiricalDistributionApproachesTheTruth() {
    TrueDurations truth = TrueDurations.lognormal(3, 0.3);
    Random rnd = new Random(1);
    double[] s = new double[20_000];
    for (int i = 0; i < s.length; i++) {
      s[i] = truth.sample(rnd);
    }
    TrueDurations emp = TrueDurations.empirical(s);
    assertEquals(truth.mean(), emp.mean(), 0.02 * truth.mean());
    // The recursion amplifies noise in the empirical density, so only a loose match is expected.
    double floor = Optimum.bhp(truth, 0.05).cost();
    double fromSamples = Optimum.expectedCost(truth, Optimum.bhp(emp, 0.05).times(), 0.05);
    assertTrue(fromSamples <= 1.15 * floor, fromSamples + " vs " + floor);
  }

  @Test
  void theBenchReadsTheLadderFromTheShippedSchedule() {
    double[] t = Optimum.stepped();
    double[] first = {4, 8, 12, 16, 20, 24, 26, 28, 29, 30};
    for (int i = 0; i < first.length; i++) {
      assertEquals(first[i], t[i], 1e-9, "poll " + i);
    }
    assertEquals(1, t[t.length - 1] - t[t.length - 2], 1e-9, "the last step repeats every 1 s");
  }

  /**
   * The mean cost of polling at {@code times} over {@code n} durations drawn with {@code seed}: a
   * Monte-Carlo check of {@link Optimum#expectedCost}.
   */
  private static double monteCarloCost(TrueDurations d, double[] times, double c, int n, long seed) {
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
