package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Silverman's bandwidth where the standard deviation, not the IQR, is the smaller spread: a
 * sample spread evenly in ln T (KernelEstimateTest's cases take the IQR branch).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KernelEstimateBandwidthTest {
  @Test
  void anEvenSampleTakesItsStandardDeviation() {
    double[] seconds = new double[101];
    for (int i = 0; i <= 100; i++) {
      seconds[i] = Math.exp(i / 100.0);
    }
    // ln T = 0, 0.01, ..., 1: variance Σ(k/100)² over k = −50..50, divided by n − 1 = 100, is
    // 0.08585; the IQR/1.34 is 0.5/1.34 = 0.373, larger than sd = 0.2930.
    double sd = Math.sqrt(2 * 50 * 51 * 101 / 6.0 / 1e6);
    assertEquals(0.9 * sd * Math.pow(101, -0.2), KernelEstimate.of(seconds).bandwidth(), 1e-12);
  }
}
