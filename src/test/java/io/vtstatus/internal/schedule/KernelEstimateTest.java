package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The smooth estimate {@code advise} plans on: close to the truth, consistent, well defined. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KernelEstimateTest {

  static double[] quantiles(TrueDurations d, int n) {
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = d.quantile((i + 0.5) / n);
    }
    return s;
  }

  @Test
  void aLargeSampleIsCloseToItsDistribution() {
    TrueDurations d = TrueDurations.lognormal(3, 0.3);
    KernelEstimate k = KernelEstimate.of(quantiles(d, 4000));
    for (double t : new double[] {1.5, 2, 3, 4, 6}) {
      assertEquals(d.cdf(t), k.cdf(t), 0.01, "F(" + t + ")");
      assertEquals(d.pdf(t), k.pdf(t), 0.05 * d.pdf(3), "f(" + t + ")");
    }
    for (double p : new double[] {0.05, 0.5, 0.95}) {
      assertEquals(d.quantile(p), k.quantile(p), 0.02 * d.quantile(p), "q(" + p + ")");
      assertEquals(p, k.cdf(k.quantile(p)), 1e-6, "cdf undoes quantile at " + p);
    }
    assertEquals(d.mean(), k.mean(), 0.01 * d.mean());
    assertTrue(k.bandwidth() > 0.01 && k.bandwidth() < 0.1, "bandwidth " + k.bandwidth());
    // Planned on the estimate, the floor is the floor of the distribution.
    assertEquals(PollPlans.expectedCost(d, PollPlans.floor(d, 0.05), 0.05),
        PollPlans.expectedCost(d, PollPlans.floor(k, 0.05), 0.05), 0.005);
  }

  @Test
  void cdfAndPdfAgreeAndTheEdgesAreClosed() {
    KernelEstimate k = KernelEstimate.of(new double[] {1, 2, 2, 3, 10});
    double h = 1e-5;
    for (double t : new double[] {0.8, 1.5, 2.5, 5, 9}) {
      assertEquals((k.cdf(t + h) - k.cdf(t - h)) / (2 * h), k.pdf(t), 1e-3 + 0.01 * k.pdf(t), "at " + t);
    }
    assertEquals(0, k.cdf(0));
    assertEquals(0, k.cdf(-1));
    assertEquals(0, k.pdf(0));
    assertEquals(0, k.cdf(1e-9));
    assertEquals(1, k.cdf(1e9));
    assertEquals(0, k.pdf(1e9));
    assertEquals(k.quantile(0), Math.exp(Math.log(k.quantile(1e-12))), 0.1);
    assertTrue(k.quantile(1) >= 10, "the top of the support is past the largest duration");
    double last = 0;
    for (int i = 1; i < 100; i++) {
      double q = k.quantile(i / 100.0);
      assertTrue(q >= last, "quantiles rise");
      last = q;
    }
  }

  @Test
  void theBandwidthIsSilvermansAndTheOrderGivenDoesNotMatter() {
    double e = Math.E;
    // ln T = 0, 1, 2, 3, 4: sd √2.5, IQR 3 − 1 = 2, so h = 0.9 · min(√2.5, 2 / 1.34) · 5^(−1/5).
    double[] sorted = {1, e, e * e, e * e * e, e * e * e * e};
    KernelEstimate k = KernelEstimate.of(sorted);
    assertEquals(0.9 * Math.min(Math.sqrt(2.5), 2 / 1.34) * Math.pow(5, -0.2), k.bandwidth(), 1e-12);
    // A wide IQR: ln T = 0, 0, 4, 4 has sd 2.31 and IQR 4 (4 / 1.34 = 2.99), so the sd is used.
    KernelEstimate twoPoints = KernelEstimate.of(new double[] {1, 1, e * e * e * e, e * e * e * e});
    assertEquals(0.9 * Math.sqrt(16.0 / 3) * Math.pow(4, -0.2), twoPoints.bandwidth(), 1e-12);
    KernelEstimate shuffled = KernelEstimate.of(new double[] {e * e * e, 1, e * e * e * e, e, e * e});
    for (double t : new double[] {0.5, 1, 3, 10, 50}) {
      assertEquals(k.cdf(t), shuffled.cdf(t), 1e-12, "F(" + t + ")");
    }
    assertEquals(k.bandwidth(), shuffled.bandwidth(), 0);
    assertEquals(k.mean(), shuffled.mean(), 1e-12);
  }

  @Test
  void degenerateSamplesAreStillDistributions() {
    KernelEstimate same = KernelEstimate.of(new double[] {2, 2, 2, 2});
    assertEquals(2, same.quantile(0.5), 0.05);
    assertEquals(0.01, same.bandwidth(), 1e-12, "no spread: the narrowest kernel");
    // Zeros (and anything shorter) are taken as the floor of the log scale before smoothing; the
    // kernel then spreads each one symmetrically in ln T, so half of their mass lies below it.
    KernelEstimate zero = KernelEstimate.of(new double[] {0, 0, 1});
    KernelEstimate floored = KernelEstimate.of(new double[] {KernelEstimate.MIN_SECONDS, 1e-9, 1});
    for (double t : new double[] {1e-6, 1e-4, 1e-2, 0.5, 1, 3}) {
      assertEquals(floored.cdf(t), zero.cdf(t), 0, "0 and 1e-9 s are both the floor, at " + t);
    }
    assertEquals(1.0 / 3, zero.cdf(KernelEstimate.MIN_SECONDS), 0.01,
        "the two zeros' kernels are centred on the floor: half of their 2/3 lies below it");
    KernelEstimate one = KernelEstimate.of(new double[] {5});
    assertEquals(5, one.quantile(0.5), 0.1);
    assertThrows(IllegalArgumentException.class, () -> KernelEstimate.of(new double[0]));
    assertThrows(IllegalArgumentException.class, () -> KernelEstimate.of(new double[] {1, -1}));
    assertThrows(IllegalArgumentException.class, () -> KernelEstimate.of(new double[] {1, Double.NaN}));
    assertThrows(IllegalArgumentException.class,
        () -> KernelEstimate.of(new double[] {1, Double.POSITIVE_INFINITY}));
  }
}
