package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Product-limit estimates worked by hand: the prior's weight with unequal job weights, where the
 * distribution ends without a fit, and the tail cut.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProductLimitByHandTest {
  static final double[] EDGES = {0, 1, 2, 3, 4, 5};

  static DurationHistogram.Bins empty() {
    return new DurationHistogram.Bins(EDGES.length - 1);
  }

  static double[] estimate(DurationHistogram.Bins ended, DurationHistogram.Bins running,
      Optional<LogNormalFit> fit, double prior) {
    return ProductLimit.probabilities(ended, running, EDGES, fit, prior);
  }

  @Test
  void thePriorWeighsAsKJobsOfTheMeanWeightAtRisk() {
    LogNormalFit fit = new LogNormalFit(Math.log(1.5), 0.5);
    DurationHistogram.Bins ended = empty();
    ended.add(0, 2); // one job of weight 2 ended in bin 0
    ended.add(2, 1);
    DurationHistogram.Bins running = empty();
    running.add(1, 1); // last seen running in bin 1
    double[] h = new double[EDGES.length - 1];
    for (int i = 0; i < h.length; i++) {
      h[i] = fit.binHazard(EDGES[i], EDGES[i + 1]);
    }
    double k = 2;
    // Bin 0: weight 4 at risk, squares 6: the prior weighs k·6/4. Nobody is censored here.
    double q0 = (2 + k * 1.5 * h[0]) / (4 + k * 1.5);
    // Bin 1: weight 2 at risk (squares 2), the running job counts half.
    double q1 = (0 + k * h[1]) / (2 - 0.5 + k);
    // Bin 2: one job of weight 1 at risk, and it ends there.
    double q2 = (1 + k * h[2]) / (1 + k);
    // Bin 3: nobody at risk: the fit's hazard alone. Bin 4, the last, takes the rest.
    double q3 = h[3];
    double s1 = 1 - q0;
    double s2 = s1 * (1 - q1);
    double s3 = s2 * (1 - q2);
    double[] expected = {q0, s1 * q1, s2 * q2, s3 * q3, s3 * (1 - q3)};
    double[] p = estimate(ended, running, Optional.of(fit), k);
    assertArrayEquals(expected, p, 1e-12);
  }

  @Test
  void withoutAFitTheLastJobToEndEndsTheDistributionEvenIfOthersEndedBesideIt() {
    // Bin 1 holds one end and one job last seen running there: q would be 1/1.5, but nothing is
    // known past bin 1, so the rest ends there.
    DurationHistogram.Bins ended = empty();
    ended.add(0, 1);
    ended.add(0, 1);
    ended.add(1, 1);
    DurationHistogram.Bins running = empty();
    running.add(1, 1);
    assertArrayEquals(new double[] {0.5, 0.5, 0, 0, 0}, estimate(ended, running, Optional.empty(), 0), 1e-15);
  }

  @Test
  void withoutAFitJobsStillRunningPastTheLastEndLeaveTheirShareToTheLastBin() {
    DurationHistogram.Bins ended = empty();
    ended.add(0, 1);
    DurationHistogram.Bins running = empty();
    running.add(1, 1);
    // Bin 0: 1 of 2 ends. Bin 1: the running job, no end. Bins 2, 3: nobody at risk, no fit:
    // no hazard. The last bin takes what is left.
    assertArrayEquals(new double[] {0.5, 0, 0, 0, 0.5}, estimate(ended, running, Optional.empty(), 0), 1e-15);
  }

  @Test
  void whatIsLeftBelowTheTailCutEndsInTheBinWhereItFell() {
    DurationHistogram.Bins ended = empty();
    ended.add(0, 5000);
    ended.add(1, 4999);
    ended.add(2, 1);
    // Bin 0 takes a half; after bin 1 only 1e-4 is left, below the cut: it joins bin 1.
    double[] p = estimate(ended, empty(), Optional.empty(), 0);
    assertEquals(0.5, p[0], 1e-12);
    assertEquals(0.5, p[1], 1e-12);
    assertEquals(0, p[2], "past the cut");
  }

  @Test
  void nothingEndedIsAllZeros() {
    DurationHistogram.Bins running = empty();
    running.add(2, 3);
    assertArrayEquals(new double[5], estimate(empty(), running, Optional.empty(), 1));
  }
}
