package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurationHistogramTest {

  @Test
  void memoryStaysBoundedAfterAMillionObservations() {
    DurationHistogram h = new DurationHistogram(100);
    int bins = h.bins();
    Random rnd = new Random(1);
    TrueDurations d = TrueDurations.lognormal(3, 1);
    for (int i = 0; i < 1_000_000; i++) {
      h.add(d.sample(rnd));
    }
    assertEquals(bins, h.bins());
    assertEquals(1_000_000, h.count());
    LearnedModel s = h.snapshot();
    assertEquals(bins, s.bins());
    // Forgetting keeps the effective sample near 2.9 half-lives, and weights stay finite.
    assertEquals(2.885 * 100, s.effectiveCount(), 10);
    assertEquals(1.0, s.cdf(1e6), 1e-12);
    assertTrue(Double.isFinite(s.mean()) && s.mean() > 0);
    assertEquals(3, s.quantile(0.5), 0.5);
  }

  @Test
  void estimatesSurvivalDensityAndHazard() {
    DurationHistogram h = new DurationHistogram(1e9);
    TrueDurations d = TrueDurations.exponential(2);
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      h.add(d.quantile((i + 0.5) / n));
    }
    LearnedModel s = h.snapshot();
    for (double t : new double[] {0.5, 1, 2, 4}) {
      assertEquals(d.survival(t), s.survival(t), 0.01, "S(" + t + ")");
      // The density is uniform within a bin 12% wide: at a bin's edge it can be off by ~6%.
      assertEquals(d.pdf(t), s.pdf(t), 0.12 * d.pdf(t), "f(" + t + ")");
      assertEquals(0.5, s.hazard(t), 0.12 * 0.5, "h(" + t + ")");
    }
    assertEquals(2, s.mean(), 0.05);
    assertEquals(d.quantile(0.9), s.quantile(0.9), 0.05 * d.quantile(0.9));
  }

  @Test
  void forgetsAfterAShift() {
    DurationHistogram h = new DurationHistogram(100);
    for (int i = 0; i < 1000; i++) {
      h.add(1.0);
    }
    // After 4.4 half-lives, under 5% of the weight is left on the old regime.
    for (int i = 0; i < 440; i++) {
      h.add(10.0);
    }
    double oldMass = h.snapshot().cdf(2.0);
    assertTrue(oldMass < 0.05 && oldMass > 0.04, "old mass " + oldMass);
  }

  @Test
  void extremesLandInTheEndBins() {
    // No forgetting, so that every observation weighs the same.
    DurationHistogram h = new DurationHistogram(1e12);
    h.add(0.0);
    h.add(1e-5);
    h.add(1e7);
    h.add(-1);
    h.add(Double.NaN);
    assertEquals(3, h.count());
    LearnedModel s = EndedOnly.of(h);
    assertEquals(2.0 / 3, s.cdf(1e-3), 1e-9);
    assertEquals(1.0, s.cdf(1e9), 1e-12);
    double[] w = h.state().ended.w;
    assertEquals(2.0, w[0], 1e-9, "0 and 10 µs in [0, 1 ms)");
    assertEquals(1.0, w[w.length - 1], 1e-9, "116 days in the last bin");
  }
}
