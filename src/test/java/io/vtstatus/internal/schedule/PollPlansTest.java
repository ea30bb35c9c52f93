package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The planners and the cost function on distributions whose answers can be worked by hand:
 * uniform(0, 1), where the BHP recursion shortens every gap by exactly {@code c}, and the
 * exponential, whose constant hazard makes Keller's plan a fixed interval √(2cμ).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PollPlansTest {
  static final TrueDurations UNIFORM = TrueDurations.uniform(0, 1);

  @Test
  void theCostIsPollsTimesCPlusTheDelayWorkedByHand() {
    // Polls at 0.5, then 1.0 (the last gap again): half the jobs are seen at 0.5 with one poll,
    // half at 1.0 with two. E[T] = 0.5, so cost = 0.5(c + 0.5) + 0.5(2c + 1) − 0.5 = 1.5c + 0.25.
    assertEquals(1.5 * 0.1 + 0.25, PollPlans.expectedCost(UNIFORM, new double[] {0.5}, 0.1), 1e-12);
    // Polls at 0.2, 0.5, then 0.8, 1.1: masses 0.2, 0.3, 0.3, 0.2.
    double want = 0.2 * (0.1 + 0.2) + 0.3 * (0.2 + 0.5) + 0.3 * (0.3 + 0.8) + 0.2 * (0.4 + 1.1) - 0.5;
    assertEquals(want, PollPlans.expectedCost(UNIFORM, new double[] {0.2, 0.5}, 0.1), 1e-12);
    // Polls past the end change nothing: everything was found by the first at 1.
    assertEquals(0.1 + 0.5, PollPlans.expectedCost(UNIFORM, new double[] {1, 2, 3}, 0.1), 1e-12);
    assertEquals(0.1 + 1.5, PollPlans.expectedCost(UNIFORM, new double[] {2}, 0.1), 1e-12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PollPlans.expectedCost(UNIFORM, new double[0], 0.1));
    assertEquals("empty plan", e.getMessage());
  }

  @Test
  void aDegenerateLastGapContinuesInStepsOfAThousandthOfTheTime() {
    // Two polls at 0.5: the last gap is 0, continued as 0.5 ms steps (0.1 % of 0.5 s), so the
    // other half of the jobs wait for ~500 more polls.
    double c = 0.001;
    double cost = PollPlans.expectedCost(UNIFORM, new double[] {0.5, 0.5}, c);
    // Half seen by poll 1 at 0.5 (delay 0.25 on average); the other half by poll 2 + j at
    // 0.5 + 0.0005 j, j = 1..1000, each of mass 0.0005, with delay 0.00025 on average.
    double want = 0.5 * (c + 0.25);
    for (int j = 1; j <= 1000; j++) {
      want += 0.0005 * (c * (2 + j) + 0.00025);
    }
    assertEquals(want, cost, 1e-6);
  }

  @Test
  void onTheUniformTheRecursionShortensEachGapByC() {
    double[] plan = PollPlans.bhp(UNIFORM, 0.01, 0.2, 0.05, 100);
    assertArrayEquals(new double[] {0.2, 0.39, 0.57, 0.74, 0.90, 1.05}, plan, 1e-12);
    assertEquals(3, PollPlans.bhp(UNIFORM, 0.01, 0.2, 0.05, 3).length, "at most maxPolls");
    assertArrayEquals(new double[] {2}, PollPlans.bhp(UNIFORM, 0.01, 2, 0.05, 100), 0,
        "a first poll past every job is the whole plan");
  }

  @Test
  void whereTheRecursionFailsItFallsBackToTheLongerOfTheLastStepAndTheFallback() {
    // From 0.15 with c = 0.1: the next gap is 0.15 − 0.1 = 0.05, then 0.05 − 0.1 < 0 fails.
    assertArrayEquals(new double[] {0.15, 0.2, 0.5, 0.8, 1.1},
        PollPlans.bhp(UNIFORM, 0.1, 0.15, 0.3, 100), 1e-12, "fallback 0.3, longer than 0.05");
    double[] small = PollPlans.bhp(UNIFORM, 0.1, 0.15, 0.01, 100);
    assertEquals(0.25, small[2], 1e-12, "the last good step 0.05, longer than the fallback 0.01");
    for (int i = 2; i < small.length; i++) {
      assertEquals(0.05, small[i] - small[i - 1], 1e-12, "steps stay at 0.05 at " + i);
    }
    assertTrue(small[small.length - 1] >= 1 - 1e-6 && small[small.length - 2] < 1,
        "the plan ends at the first poll past the last job: " + small[small.length - 1]);
  }

  @Test
  void theBestFixedIntervalOnTheUniformIsRootCL() {
    // Every Δ with 1/Δ whole costs c(1/Δ + 1)/2 + Δ/2, least at Δ = √c = 0.1: 0.105.
    double[] best = PollPlans.bestFixed(UNIFORM, 0.01);
    assertEquals(0.1, best[0], 2e-3);
    assertEquals(0.105, best[1], 1e-5);
    assertEquals(PollPlans.expectedCost(UNIFORM, new double[] {best[0]}, 0.01), best[1], 1e-12);
    assertEquals(Math.sqrt(2 * 0.01 * 0.5), PollPlans.fixedApprox(UNIFORM, 0.01), 1e-12);
    // The exponential: the exact best fixed interval is a little under the √(2cμ) rule.
    TrueDurations e = TrueDurations.exponential(2);
    double[] fixed = PollPlans.bestFixed(e, 0.05);
    assertEquals(Math.sqrt(2 * 0.05 * 2), PollPlans.fixedApprox(e, 0.05), 1e-12);
    assertTrue(fixed[1] <= PollPlans.expectedCost(e, new double[] {fixed[0] * 1.01}, 0.05)
        && fixed[1] <= PollPlans.expectedCost(e, new double[] {fixed[0] * 0.99}, 0.05),
        "a minimum: " + fixed[0]);
  }

  @Test
  void kellersPlanForAConstantHazardIsAFixedInterval() {
    TrueDurations e = TrueDurations.exponential(2);
    double gap = Math.sqrt(2 * 0.05 * 2);
    double[] plan = PollPlans.keller(e, 0.05, 0.5, 10_000);
    assertTrue(plan.length > 20, "plan of " + plan.length);
    for (int i = 1; i + 1 < plan.length; i++) {
      assertEquals(gap, plan[i] - plan[i - 1], 1e-3 * gap, "gap " + i);
    }
    // Phase 0.5: the first poll is half a gap in (from the 1e-6 quantile, 2 µs).
    assertEquals(0.5 * gap, plan[0], 1e-3);
    assertEquals(e.quantile(1 - PollPlans.TAIL_MASS), plan[plan.length - 1], 1e-9,
        "closed at the end of the distribution");
    assertEquals(1 * gap, PollPlans.keller(e, 0.05, 1, 10_000)[0], 1e-3);
    assertEquals(4, PollPlans.keller(e, 0.05, 1, 3).length, "three polls, and the closing one");
    // No spread left between the quantiles: one poll.
    assertArrayEquals(new double[] {1e-3}, PollPlans.keller(new Atom(1e-5), 0.05, 0.5, 100), 0);
    assertArrayEquals(new double[] {2}, PollPlans.keller(new Atom(2), 0.05, 0.5, 100), 0);
  }

  @Test
  void polishingMovesEachPollToTheBestPlaceBetweenItsNeighbours() {
    double c = 0.01;
    double[] start = {0.1, 0.5, 0.6, 1.0};
    double[] polished = PollPlans.polish(UNIFORM, start, c, 200);
    assertArrayEquals(new double[] {0.1, 0.5, 0.6, 1.0}, start, 0, "the plan given is left alone");
    assertEquals(1.0, polished[3], 0, "the last poll stays put");
    // A fixed point of BHP on the uniform: gaps shrink by c, ending at 1.
    for (int k = 1; k < 3; k++) {
      assertEquals(c, (polished[k] - polished[k - 1]) - (polished[k + 1] - polished[k]), 1e-4,
          "gap " + k);
    }
    assertEquals((polished[0]) - (polished[1] - polished[0]), c, 1e-4, "the first gap too");
    assertTrue(PollPlans.expectedCost(UNIFORM, polished, c) < PollPlans.expectedCost(UNIFORM, start, c));
    double[] once = PollPlans.polish(UNIFORM, start, c, 1);
    assertTrue(PollPlans.expectedCost(UNIFORM, once, c) > PollPlans.expectedCost(UNIFORM, polished, c),
        "one sweep does less than two hundred");
    assertArrayEquals(start, PollPlans.polish(UNIFORM, start, c, 0), 0);
  }

  @Test
  void theFloorOnTheUniformIsTheKnownOptimum() {
    // With c = 0.01 the optimum for uniform(0, 1) polls n times with gaps g, g − c, ..., the last
    // at 1: n g − c n(n−1)/2 = 1. Its cost is the least over n; brute-forced here over n.
    double c = 0.01;
    double best = Double.POSITIVE_INFINITY;
    for (int n = 1; n < 60; n++) {
      double g = (1 + c * n * (n - 1) / 2.0) / n;
      if (g - c * (n - 1) <= 0) {
        break;
      }
      double[] x = new double[n];
      double t = 0;
      for (int k = 0; k < n; k++) {
        t += g - c * k;
        x[k] = t;
      }
      best = Math.min(best, PollPlans.expectedCost(UNIFORM, x, c));
    }
    double[] floor = PollPlans.floor(UNIFORM, c);
    assertEquals(best, PollPlans.expectedCost(UNIFORM, floor, c), 1e-6);
    double[] bhp = PollPlans.optimalBhp(UNIFORM, c, 1000);
    assertEquals(best, PollPlans.expectedCost(UNIFORM, bhp, c), 1e-4, "the best recursion alone");
    double[] keller = PollPlans.optimalKeller(UNIFORM, c, 1000);
    assertTrue(PollPlans.expectedCost(UNIFORM, keller, c) < 1.2 * best, "Keller's rule is close");
  }

  /** All mass at one point: no spread for Keller's integral. */
  private record Atom(double at) implements DurationDistribution {
    @Override
    public double cdf(double t) {
      return t >= at ? 1 : 0;
    }

    @Override
    public double pdf(double t) {
      return 0;
    }

    @Override
    public double quantile(double p) {
      return at;
    }

    @Override
    public double mean() {
      return at;
    }
  }
}
