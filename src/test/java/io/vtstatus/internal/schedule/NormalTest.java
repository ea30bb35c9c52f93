package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The standard normal, against published values. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NormalTest {

  @Test
  void knownValues() {
    assertEquals(0.5, Normal.cdf(0), 1e-7);
    assertEquals(0.8413447461, Normal.cdf(1), 1e-7);
    assertEquals(0.0227501319, Normal.cdf(-2), 1e-8);
    assertEquals(0.3989422804, Normal.pdf(0), 1e-9);
    assertEquals(0.2419707245, Normal.pdf(1), 1e-9);
    assertEquals(0.2419707245, Normal.pdf(-1), 1e-9);
    // Far in the tail, relative accuracy holds where 1 − cdf would be 0.
    assertEquals(7.619853e-24, Normal.upper(10), 1e-6 * 7.619853e-24 * 10);
    assertEquals(1 - Normal.cdf(1.5), Normal.upper(1.5), 1e-9);
    assertEquals(2.0, Normal.erfc(-100), 0);
    assertEquals(1.0, Normal.erfc(0), 1e-7);
  }

  @Test
  void betweenIsAccurateOnBothSides() {
    assertEquals(0.6826894921, Normal.between(-1, 1), 1e-7);
    assertEquals(Normal.upper(8) - Normal.upper(9), Normal.between(8, 9), 1e-20);
    assertEquals(Normal.cdf(-8) - Normal.cdf(-9), Normal.between(-9, -8), 1e-20);
    assertEquals(0, Normal.between(2, 2));
    assertEquals(0, Normal.between(3, 2));
  }

  @Test
  void quantileUndoesCdf() {
    for (double p : new double[] {1e-10, 0.001, 0.02, 0.024, 0.025, 0.3, 0.5, 0.9, 0.976, 0.999, 1 - 1e-10}) {
      assertEquals(p, Normal.cdf(Normal.quantile(p)), 1e-9 * Math.max(1, p / 1e-3), "p = " + p);
      // The Halley step solves cdf(x) = p on our own cdf to 1e-11: a step of the wrong size
      // (a mutated polish) leaves the raw approximation 1e-8 off (our cdf is 1e-7 from the true one).
      assertEquals(p, Normal.cdf(Normal.quantile(p)), 1e-11 * Math.min(p, 1 - p) + 4e-16, "polished, p = " + p);
    }
    // z_0.975 = 1.959963984540054. The Halley step solves cdf(x) = p on our cdf, whose error
    // (erfc's fit, below 1.2e-7 relative) bounds the quantile's: 1.9599639472 here, 1.9e-8 off.
    assertEquals(1.959963984540054, Normal.quantile(0.975), 1e-7);
    assertEquals(-1.959963984540054, Normal.quantile(0.025), 1e-7);
    assertEquals(-3.090232306167814, Normal.quantile(0.001), 3e-7);
    assertEquals(0, Normal.quantile(0.5), 1e-7, "erfc(0) is 1 only to the fit's accuracy");
    assertEquals(Double.NEGATIVE_INFINITY, Normal.quantile(0));
    assertEquals(Double.POSITIVE_INFINITY, Normal.quantile(1));
  }
}
