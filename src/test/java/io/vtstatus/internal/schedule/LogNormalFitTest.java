package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lognormal the product-limit estimate leans on: its own values, against the normal's. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LogNormalFitTest {
  static final LogNormalFit FIT = new LogNormalFit(Math.log(3), 0.3);

  @Test
  void itIsTheLognormalItNames() {
    assertEquals(3, FIT.median(), 1e-12);
    assertEquals(Math.log(3), FIT.mu(), 0);
    assertEquals(0.3, FIT.sigma(), 0);
    assertEquals(1, FIT.survival(0), 0);
    assertEquals(1, FIT.survival(-1), 0);
    assertEquals(0.5, FIT.survival(3), 1e-7);
    assertEquals(Normal.upper(1), FIT.survival(3 * Math.exp(0.3)), 1e-12);
    assertEquals(Normal.upper(-2), FIT.survival(3 * Math.exp(-0.6)), 1e-12);
    assertEquals("lognormal(median 3.000s, sigma 0.300)", FIT.toString());
  }

  @Test
  void invalidParametersAreRefused() {
    for (double[] bad : new double[][] {{Double.NaN, 1}, {Double.POSITIVE_INFINITY, 1}, {0, 0}, {0, -1},
        {0, Double.NaN}, {0, Double.POSITIVE_INFINITY}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new LogNormalFit(bad[0], bad[1]));
      assertTrue(e.getMessage().startsWith("Invalid lognormal: mu "), e.getMessage());
    }
    assertEquals(1e-9, new LogNormalFit(-5, 1e-9).sigma(), 0, "any positive sigma");
  }

  @Test
  void aBinsHazardIsItsMassOverWhatIsLeft() {
    double z1 = (Math.log(2) - Math.log(3)) / 0.3;
    double z2 = (Math.log(4) - Math.log(3)) / 0.3;
    assertEquals(Normal.between(z1, z2) / Normal.upper(z1), FIT.binHazard(2, 4), 1e-12);
    // From 0: nothing has gone before, so it is the cdf.
    assertEquals(Normal.cdf(z2), FIT.binHazard(0, 4), 1e-12);
    assertEquals(Normal.cdf(z1), FIT.binHazard(0, 2), 1e-12);
    // In the far upper tail the normal has nothing left: the bin ends the distribution.
    assertEquals(1, FIT.binHazard(3 * Math.exp(0.3 * 40), 3 * Math.exp(0.3 * 41)), 0);
    // Far out but still representable, the hazard stays a probability.
    double h = FIT.binHazard(3 * Math.exp(0.3 * 8), 3 * Math.exp(0.3 * 8.1));
    assertTrue(h > 0.5 && h < 1, "hazard " + h);
    assertEquals(0, FIT.binHazard(2, 2), 0, "an empty bin");
  }

  @Test
  void truncatedMomentsOfTheStandardNormal() {
    // Above 0: E[Y] = φ(0)/½ = √(2/π), E[Y²] = 1.
    double[] upper = LogNormalFit.truncatedMoments(0, 1, 0, Double.POSITIVE_INFINITY);
    assertEquals(Math.sqrt(2 / Math.PI), upper[0], 1e-6);
    assertEquals(1, upper[1], 1e-6);
    double[] lower = LogNormalFit.truncatedMoments(0, 1, Double.NEGATIVE_INFINITY, 0);
    assertEquals(-Math.sqrt(2 / Math.PI), lower[0], 1e-6);
    assertEquals(1, lower[1], 1e-6);
    double[] all = LogNormalFit.truncatedMoments(0, 1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    assertEquals(0, all[0], 1e-9);
    assertEquals(1, all[1], 1e-6);
    // Scaled and shifted: N(5, 2²) above 5 has mean 5 + 2√(2/π) and E[(Y − 5)²] = 4.
    double[] scaled = LogNormalFit.truncatedMoments(5, 2, 5, Double.POSITIVE_INFINITY);
    assertEquals(5 + 2 * Math.sqrt(2 / Math.PI), scaled[0], 1e-5);
    assertEquals(4, scaled[1], 1e-5);
    // (−1, 1): mean 0, E[Y²] = 1 − 2φ(1)/(Φ(1) − Φ(−1)).
    double[] mid = LogNormalFit.truncatedMoments(0, 1, -1, 1);
    assertEquals(0, mid[0], 1e-9);
    assertEquals(1 - 2 * Normal.pdf(1) / Normal.between(-1, 1), mid[1], 1e-6);
    // Beyond any usable mass, the interval's own place stands in.
    double[] below = LogNormalFit.truncatedMoments(0, 1, Double.NEGATIVE_INFINITY, -60);
    assertEquals(-60, below[0], 0);
    assertEquals(3600, below[1], 0);
    double[] between = LogNormalFit.truncatedMoments(0, 1, 60, 62);
    assertEquals(61, between[0], 0);
    assertEquals(3721, between[1], 0);
  }
}
