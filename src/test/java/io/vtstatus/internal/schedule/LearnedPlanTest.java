package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A learned plan is the cheaper of the polished BHP and Keller plans, for both costs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LearnedPlanTest {
  static LearnedModel learned(long seed, boolean exponential) {
    Random rnd = new Random(seed);
    DurationHistogram h = new DurationHistogram(1e9);
    for (int i = 0; i < 400; i++) {
      h.add(exponential ? -3 * Math.log(1 - rnd.nextDouble()) : 3 * Math.exp(0.3 * rnd.nextGaussian()));
    }
    return h.snapshot();
  }

  static double polishedCost(LearnedModel m, double[] plan, double c) {
    return PollPlans.expectedCost(m, PollPlans.polish(m, plan, c, 20), c);
  }

  @Test
  void eachPlanIsTheCheaperOfTheTwo() {
    int differed = 0;
    for (boolean exponential : new boolean[] {false, true}) {
      LearnedModel m = learned(7, exponential);
      for (double c : new double[] {0.05, 0.5}) {
        double bhp = polishedCost(m, PollPlans.optimalBhp(m, c, 2000), c);
        double keller = polishedCost(m, PollPlans.optimalKeller(m, c, 2000), c);
        differed += bhp != keller ? 1 : 0;
        LearnedPlan p = LearnedPlan.make(m, c, 4 * c);
        String what = (exponential ? "exponential" : "lognormal") + ", c = " + c;
        assertEquals(Math.min(bhp, keller), PollPlans.expectedCost(m, p.times, c), 1e-12, what);
        assertEquals(bhp <= keller ? "bhp" : "keller", p.kind, what);
        double netBhp = polishedCost(m, PollPlans.optimalBhp(m, 4 * c, 2000), 4 * c);
        double netKeller = polishedCost(m, PollPlans.optimalKeller(m, 4 * c, 2000), 4 * c);
        assertEquals(Math.min(netBhp, netKeller), PollPlans.expectedCost(m, p.netTimes, 4 * c), 1e-12, what);
        assertEquals(4 * c, p.netCost);
        assertEquals(400, p.basedOn);
        assertSame(m, p.model);
      }
    }
    assertNotEquals(0, differed, "some case tells the two planners apart");
  }

  @Test
  void theSamePlanForTheSameModel() {
    LearnedModel m = learned(11, false);
    assertArrayEquals(LearnedPlan.make(m, 0.1, 0.4).times, LearnedPlan.make(m, 0.1, 0.4).times);
  }
}
