package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The learned model's piecewise-uniform distribution worked by hand, on bins with empty ones
 * between (probabilities that are exact in binary, so equalities are exact).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LearnedModelTest {
  static final double[] E = DurationHistogram.EDGES;
  static final int BINS = E.length - 1;
  static final int LAST = BINS - 1;

  final LogNormalFit fit = new LogNormalFit(1, 0.5);
  final LearnedModel m = new LearnedModel(prob(), 42, 17.5, Optional.of(fit));

  /** 1/8 in bin 0, 1/4 in bin 10, nothing in bin 11, 1/2 in bin 12, 1/8 in the last bin. */
  static double[] prob() {
    double[] p = new double[BINS];
    p[0] = 0.125;
    p[10] = 0.25;
    p[12] = 0.5;
    p[LAST] = 0.125;
    return p;
  }

  static double mid(int i) {
    return 0.5 * (E[i] + E[i + 1]);
  }

  @Test
  void accessors() {
    assertEquals(42, m.count());
    assertEquals(17.5, m.effectiveCount());
    assertSame(fit, m.fit().orElseThrow());
    assertEquals(BINS, m.bins());
    double[] p = m.probabilities();
    p[10] = 99;
    assertEquals(0.25, m.probabilities()[10], "a copy");
  }

  @Test
  void cdfIsLinearWithinEachBin() {
    assertEquals(0, m.cdf(0));
    assertEquals(0, m.cdf(-1));
    assertEquals(0, m.cdf(Double.NaN));
    assertEquals(0.0625, m.cdf(E[1] / 2), 1e-15);
    assertEquals(0.125, m.cdf(E[1]), 1e-15);
    assertEquals(0.125, m.cdf(E[10]), 1e-15);
    assertEquals(0.25, m.cdf(mid(10)), 1e-15);
    assertEquals(0.375, m.cdf(E[11]), 1e-15);
    assertEquals(0.375, m.cdf(mid(11)), 1e-15, "an empty bin is flat");
    assertEquals(0.625, m.cdf(mid(12)), 1e-15);
    assertEquals(0.875, m.cdf(E[13]), 1e-15);
    assertEquals(0.875, m.cdf(E[LAST]), 1e-15);
    assertEquals(0.9375, m.cdf(mid(LAST)), 1e-15);
    assertEquals(1, m.cdf(E[BINS]));
    assertEquals(1, m.cdf(Double.POSITIVE_INFINITY));
  }

  @Test
  void pdfIsTheBinsMassOverItsWidth() {
    assertEquals(0.125 / E[1], m.pdf(0), 1e-9, "0 is inside the first bin");
    assertEquals(0, m.pdf(-1e-9));
    assertEquals(0, m.pdf(Double.NaN));
    assertEquals(0.25 / (E[11] - E[10]), m.pdf(mid(10)), 1e-9);
    assertEquals(0, m.pdf(mid(11)));
    assertEquals(0.125 / (E[BINS] - E[LAST]), m.pdf(Math.nextDown(E[BINS])), 1e-15);
    assertEquals(0, m.pdf(E[BINS]), "past the last edge");
  }

  @Test
  void quantileInvertsTheCdf() {
    assertEquals(0, m.quantile(0));
    assertEquals(0, m.quantile(-0.5));
    assertEquals(E[1] / 2, m.quantile(0.0625), 1e-15);
    assertEquals(mid(10), m.quantile(0.25), 1e-12);
    assertEquals(mid(12), m.quantile(0.625), 1e-12);
    assertEquals(mid(LAST), m.quantile(0.9375), 1e-9);
    for (double p = 0.01; p < 1; p += 0.01) {
      assertEquals(p, m.cdf(m.quantile(p)), 1e-12, "cdf(quantile(" + p + "))");
    }
  }

  @Test
  void anExactHitOnAFlatStretchIsItsFirstEdge() {
    // cdf is 1/8 on [E1, E10] and 3/8 on [E11, E12]: the quantile is where it first gets there.
    assertEquals(E[1], m.quantile(0.125));
    assertEquals(E[11], m.quantile(0.375));
    assertEquals(E[BINS], m.quantile(1));
    assertEquals(E[BINS], m.quantile(2), "p is capped at 1");
  }

  @Test
  void unnormalisedMassIsScaled() {
    double[] p = prob();
    for (int i = 0; i < p.length; i++) {
      p[i] *= 4;
    }
    LearnedModel four = new LearnedModel(p, 1, 1, Optional.empty());
    assertEquals(mid(10), four.quantile(0.25), 1e-12);
    assertEquals(E[11], four.quantile(0.375));
    assertTrue(four.fit().isEmpty());
  }

  @Test
  void meanTakesEachBinAtItsMidpoint() {
    double expected = 0.125 * mid(0) + 0.25 * mid(10) + 0.5 * mid(12) + 0.125 * mid(LAST);
    assertEquals(expected, m.mean(), 1e-9 * expected);
  }
}
