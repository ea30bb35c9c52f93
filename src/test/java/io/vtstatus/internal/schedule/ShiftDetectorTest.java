package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Durations that stop fitting are noticed within a few jobs, and steady ones almost never. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShiftDetectorTest {

  @Test
  void threeOutOfPlaceInARowFireAndHandBackTheNewRegime() {
    ShiftDetector d = new ShiftDetector();
    assertNull(d.observe(1, Double.NaN), "nothing learned yet: not judged");
    assertNull(d.observe(2, 0.5));
    assertNull(d.observe(10, 0.999));
    assertNull(d.observe(11, 0.998));
    assertArrayEquals(new double[] {10, 11, 12}, d.observe(12, 0.9995));
    assertEquals(0, d.score(), "starts afresh");
  }

  @Test
  void twoOutOfPlaceThenFittingOnesDoNot() {
    ShiftDetector d = new ShiftDetector();
    assertNull(d.observe(10, 0.999));
    assertNull(d.observe(0.1, 0.001));
    for (int i = 0; i < 10; i++) {
      assertNull(d.observe(3, 0.5));
    }
    assertEquals(0, d.score());
  }

  @Test
  void fewFalseAlarmsWhileTheDurationsFit() {
    ShiftDetector d = new ShiftDetector();
    Random rnd = new Random(1);
    int alarms = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      // A learned tail is a little wider than the true one: 3 % outside, not 2 %.
      double u = rnd.nextDouble();
      double judged = u < 0.015 ? 0.001 : u > 0.985 ? 0.999 : 0.5;
      if (d.observe(1, judged) != null) {
        alarms++;
      }
    }
    assertTrue(alarms * 5_000 <= n, alarms + " false alarms in " + n + " jobs (want at most 1 in 5,000)");
  }

  // 1,000 jobs per distribution here, 3,000 in `make soak`: either way at most one restart.
  @Test
  void aScheduleFedSteadyDurationsRarelyRestarts() {
    rarelyRestarts(1000);
  }

  @Test
  @Tag("soak")
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aScheduleFedSteadyDurationsRarelyRestartsInALongRun() {
    rarelyRestarts(3000);
  }

  private static void rarelyRestarts(int jobs) {
    for (TrueDurations dist : new TrueDurations[] {TrueDurations.lognormal(3, 1.0),
        TrueDurations.exponential(2),
        TrueDurations.mixture(0.7, TrueDurations.lognormal(1, 0.3), TrueDurations.lognormal(8, 0.3))}) {
      Sequential s = new Sequential(Duration.ofMillis(50));
      Random rnd = new Random(2);
      for (int i = 0; i < jobs; i++) {
        s.finish(dist.sample(rnd));
      }
      assertTrue(s.schedule.shifts() <= 1, dist.name() + ": " + s.schedule.shifts() + " shifts in " + jobs + " jobs");
    }
  }

  @Test
  void aShiftToShorterJobsIsNoticedToo() {
    Sequential s = new Sequential(Duration.ofMillis(50));
    Random rnd = new Random(3);
    for (int i = 0; i < 300; i++) {
      s.finish(TrueDurations.lognormal(10, 0.3).sample(rnd));
    }
    for (int i = 0; i < 5; i++) {
      s.finish(TrueDurations.lognormal(2, 0.3).sample(rnd));
    }
    assertEquals(1, s.schedule.shifts());
    s.schedule.replan();
    assertTrue(s.schedule.model().quantile(0.5) < 4, "the model is the new regime's");
  }

  @Test
  void aBurstEndingShortestFirstIsNotAShift() {
    double[] dur = new double[2000];
    Random rnd = new Random(4);
    for (int i = 0; i < dur.length; i++) {
      dur[i] = TrueDurations.lognormal(3, 0.5).sample(rnd);
    }
    Burst b = new Burst(dur);
    AdaptiveSchedule s = new AdaptiveSchedule(Duration.ofMillis(50), Duration.ofMillis(20),
        Duration.ofSeconds(60), () -> b.now, java.util.Optional.empty());
    b.start(s);
    b.runUntil(s, x -> false);
    assertEquals(0, s.shifts());
    assertEquals(3, s.model().quantile(0.5), 0.3);
  }
}
