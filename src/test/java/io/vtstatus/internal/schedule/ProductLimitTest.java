package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The product-limit estimate, its censoring, its lognormal fit and the weights behind them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProductLimitTest {
  static final double[] EDGES = {0, 1, 2, 3, 4};

  static DurationHistogram.Bins bins(double... w) {
    DurationHistogram.Bins b = new DurationHistogram.Bins(w.length);
    for (int i = 0; i < w.length; i++) {
      for (int k = 0; k < (int) w[i]; k++) {
        b.add(i, 1);
      }
    }
    return b;
  }

  @Test
  void aHandWorkedLifeTable() {
    // Ten jobs: two end in bin 0; in bin 1 one ends and three are still running; four end in 2.
    double[] p = ProductLimit.probabilities(bins(2, 1, 4, 0), bins(0, 3, 0, 0), EDGES, Optional.empty(), 0);
    // Bin 0: 2 of 10 at risk. Bin 1: 1 of 8 − 3/2 (the running count half). Bin 2: the rest.
    assertEquals(0.2, p[0], 1e-12);
    assertEquals(0.8 / 6.5, p[1], 1e-12);
    assertEquals(0.8 * 5.5 / 6.5, p[2], 1e-12);
    assertEquals(0, p[3], 1e-12);
  }

  @Test
  void withNothingRunningItIsTheHistogram() {
    double[] p = ProductLimit.probabilities(bins(1, 2, 3, 4), bins(0, 0, 0, 0), EDGES, Optional.empty(), 0);
    assertEquals(0.1, p[0], 1e-12);
    assertEquals(0.2, p[1], 1e-12);
    assertEquals(0.3, p[2], 1e-12);
    assertEquals(0.4, p[3], 1e-12);
  }

  @Test
  void jobsStillRunningMoveMassLaterAndTheFitCarriesItPastTheData() {
    LogNormalFit fit = new LogNormalFit(Math.log(3), 0.3);
    double[] edges = {0, 1, 2, 3, 4, 5, 6, 100};
    double[] ended = ProductLimit.probabilities(bins(0, 5, 0, 0, 0, 0, 0), bins(0, 0, 0, 0, 0, 0, 0),
        edges, Optional.of(fit), 1);
    double[] running = ProductLimit.probabilities(bins(0, 5, 0, 0, 0, 0, 0), bins(0, 0, 45, 0, 0, 0, 0),
        edges, Optional.of(fit), 1);
    assertTrue(ended[1] > 0.8, "the ended jobs alone say most end in bin 1");
    assertEquals(5.0 / 47.5, running[1], 0.02, "with 45 still running past it, about a tenth does");
    double later = running[3] + running[4] + running[5];
    assertTrue(later > 0.5, "beyond every observation the fit places the rest: " + later);
    double sum = 0;
    for (double v : running) {
      sum += v;
    }
    assertEquals(1, sum, 1e-9);
  }

  @Test
  void thePriorWeighsAsJobsNotAsWeight() {
    // The same data at a millionth of the weight (a long-forgotten cohort) gives the same
    // estimate: the prior counts observations (Kish), not raw weight.
    LogNormalFit fit = new LogNormalFit(Math.log(2.5), 0.5);
    double[] edges = {0, 1, 2, 3, 4, 100};
    DurationHistogram.Bins a = bins(3, 4, 2, 1, 0);
    DurationHistogram.Bins b = bins(3, 4, 2, 1, 0);
    b.scale(1e-6);
    DurationHistogram.Bins none = bins(0, 0, 0, 0, 0);
    double[] pa = ProductLimit.probabilities(a, none, edges, Optional.of(fit), 1);
    double[] pb = ProductLimit.probabilities(b, none, edges, Optional.of(fit), 1);
    for (int i = 0; i < pa.length; i++) {
      assertEquals(pa[i], pb[i], 1e-9);
    }
    assertEquals(LogNormalFit.fit(a, none, edges, Optional.empty()).get().sigma(),
        LogNormalFit.fit(b, none, edges, Optional.empty()).get().sigma(), 1e-6);
  }

  @Test
  void theFitRecoversALognormalFromItsLowerTenthAndTheCensoredRest() {
    TrueDurations truth = TrueDurations.lognormal(3, 0.5);
    double cut = truth.quantile(0.1);
    DurationHistogram h = new DurationHistogram(1e12);
    Random rnd = new Random(5);
    java.util.List<Double> running = new java.util.ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double x = truth.sample(rnd);
      if (x <= cut) {
        h.add(x);
      } else {
        running.add(cut);
      }
    }
    assertTrue(running.size() > 1700);
    double[] ages = running.stream().mapToDouble(Double::doubleValue).toArray();
    double[] weights = new double[ages.length];
    java.util.Arrays.fill(weights, 1);
    LearnedModel snap = h.snapshot(ages, weights, Optional.empty());
    LogNormalFit fit = snap.fit().get();
    // Over 20 seeds the fit averages median 2.95 s, σ 0.485 (bins 12 % wide blur the tail's
    // shape a little); one seed is within the 15 %.
    assertEquals(3, snap.quantile(0.5), 0.45, "the estimate's median, " + fit);
    assertEquals(3, fit.median(), 0.45, fit.toString());
    assertEquals(0.5, fit.sigma(), 0.12, fit.toString());
    assertEquals(0.5, fit.survival(3), 0.1, "about half run past the true median");
  }

  @Test
  void noJobEndedNoFitNoEstimate() {
    DurationHistogram.Bins none = bins(0, 0, 0, 0);
    assertTrue(LogNormalFit.fit(none, bins(0, 5, 0, 0), EDGES, Optional.empty()).isEmpty());
    double[] p = ProductLimit.probabilities(none, bins(0, 5, 0, 0), EDGES, Optional.empty(), 1);
    for (double v : p) {
      assertEquals(0, v);
    }
  }

  @Test
  void truncatedMomentsFarInATailFallBackToTheInterval() {
    double[] m = LogNormalFit.truncatedMoments(0, 1, 60, Double.POSITIVE_INFINITY);
    assertEquals(60, m[0], 1e-9);
    double[] inside = LogNormalFit.truncatedMoments(0, 1, -1, 1);
    assertEquals(0, inside[0], 1e-9);
    assertTrue(inside[1] > 0.25 && inside[1] < 1.0 / 3 + 1e-9, "variance on (−1, 1): " + inside[1]);
  }

  @Test
  void endsAreCountedBackInTime() {
    EndCounter e = new EndCounter();
    assertEquals(0, e.endsSince(0));
    for (long t = 1; t <= 10; t++) {
      e.ended(t * 100);
    }
    assertEquals(10, e.endsSince(0));
    assertEquals(5, e.endsSince(500));
    assertEquals(0, e.endsSince(1000));
    for (long t = 11; t <= EndCounter.KEPT + 100; t++) {
      e.ended(t * 100);
    }
    assertEquals(EndCounter.KEPT, e.endsSince(0), "at most what is kept");
    assertEquals(100, e.endsSince(EndCounter.KEPT * 100L));
  }
}
