package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plans longer than the planners' first buffer (64 polls), the BHP recursion on a density that
 * is not 1, and the cost of a distribution that never ends: what PollPlansTest's small cases do
 * not reach.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PollPlansLongPlanTest {
  @Test
  void theRecursionDividesByTheDensity() {
    // uniform(0, 2): F = t/2 and f = 1/2, so (F(x_k) − F(x_{k−1}))/f − c is again the last gap
    // less c: 0.9, then gaps 0.85 and 0.8; 2.55 is past every job.
    double[] plan = PollPlans.bhp(TrueDurations.uniform(0, 2), 0.05, 0.9, 0.1, 100);
    assertEquals(3, plan.length);
    assertEquals(1.75, plan[1], 1e-12);
    assertEquals(2.55, plan[2], 1e-12);
  }

  @Test
  void aLongBhpPlanKeepsShorteningItsGapsByC() {
    double c = 1e-4;
    double[] plan = PollPlans.bhp(TrueDurations.uniform(0, 2), c, 0.03, 0.01, 10_000);
    assertTrue(plan.length > 64, "plan of " + plan.length);
    for (int i = 2; i < plan.length; i++) {
      double gap = plan[i] - plan[i - 1];
      assertEquals(plan[i - 1] - plan[i - 2] - c, gap, 1e-9, "gap " + i);
    }
    assertTrue(plan[plan.length - 1] >= 2 && plan[plan.length - 2] < 2,
        "ends at the first poll past the last job: " + plan[plan.length - 1]);
  }

  @Test
  void aLongKellerPlanIsStillAFixedInterval() {
    TrueDurations e = TrueDurations.exponential(2);
    double c = 1e-3;
    double gap = Math.sqrt(2 * c * 2);
    double[] plan = PollPlans.keller(e, c, 1, 10_000);
    double hi = e.quantile(1 - PollPlans.TAIL_MASS);
    assertEquals(Math.ceil(hi / gap), plan.length, 1, "plan of " + plan.length);
    for (int i = 1; i + 1 < plan.length; i++) {
      assertEquals(gap, plan[i] - plan[i - 1], 1e-3 * gap, "gap " + i);
    }
    assertEquals(hi, plan[plan.length - 1], 1e-9);
  }

  /** Half the jobs are uniform on (0, 1); the other half never end. */
  private record HalfNeverEnds() implements DurationDistribution {
    @Override
    public double cdf(double t) {
      return t <= 0 ? 0 : 0.5 * Math.min(1, t);
    }

    @Override
    public double pdf(double t) {
      return t > 0 && t < 1 ? 0.5 : 0;
    }

    @Override
    public double quantile(double p) {
      return p <= 0.5 ? 2 * p : Double.POSITIVE_INFINITY;
    }

    @Override
    public double mean() {
      return 0;
    }
  }

  @Test
  void massThatNeverEndsIsChargedAtTheMillionthPoll() {
    // One poll at 1 finds the first half; the continuation polls every second until the
    // millionth, where the half still running is charged as if found by one more poll.
    double c = 0.25;
    double want = 0.5 * (c + 1) + 0.5 * (c * 1_000_001 + 1_000_000);
    assertEquals(want, PollPlans.expectedCost(new HalfNeverEnds(), new double[] {1}, c), 1e-12 * want);
  }
}
