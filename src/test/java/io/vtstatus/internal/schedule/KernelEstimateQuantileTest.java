package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel estimate's quantile where the cdf is flat: between two clusters of durations far
 * apart it is exactly the first cluster's share, and the quantile of that share is where the
 * cdf first reaches it (the end of the first cluster), not anywhere along the gap.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KernelEstimateQuantileTest {
  // Seven durations near 1 s (a narrow kernel: h = 0.01 in ln T) and two at 1000 s.
  static final double[] SAMPLE = {1.0, 1.0, 1.001, 1.002, 1.005, 1.01, 1.01, 1000, 1000};
  final KernelEstimate k = KernelEstimate.of(SAMPLE);

  @Test
  void theCdfIsFlatBetweenTheClusters() {
    assertEquals(0.01, k.bandwidth(), 1e-12);
    double share = k.cdf(30);
    assertEquals(7.0 / 9, share, 1e-12);
    assertEquals(share, k.cdf(2), "flat: the very same value across the gap");
    assertEquals(share, k.cdf(500));
  }

  @Test
  void theQuantileOfTheFlatShareIsWhereTheCdfFirstReachesIt() {
    double share = k.cdf(30);
    double q = k.quantile(share);
    assertTrue(q > 1.01 && q < 1.2, "the end of the first cluster, not the gap: " + q);
    assertEquals(share, k.cdf(q), "it does reach the share there");
    assertTrue(k.cdf(q * 0.999) < share, "and not before");
    double above = k.quantile(Math.nextUp(share));
    assertTrue(above > 500 && above < 1000, "just above the share: the second cluster: " + above);
  }

  @Test
  void theEndsOfTheGrid() {
    assertEquals(k.quantile(0), k.quantile(-1));
    assertTrue(k.quantile(0) < 1 && k.quantile(0) > 0.9, "five bandwidths below the smallest");
    assertEquals(k.quantile(1), k.quantile(2));
    assertTrue(k.quantile(1) > 1000 && k.quantile(1) < 1100, "five bandwidths above the largest");
    assertEquals(0, k.cdf(k.quantile(0)), 1e-12);
    assertEquals(1, k.cdf(k.quantile(1)), 1e-12);
  }
}
