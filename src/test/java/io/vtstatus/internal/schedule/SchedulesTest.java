package io.vtstatus.internal.schedule;

import static io.vtstatus.internal.schedule.PollSimulation.ctx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import io.vtstatus.internal.bench.TrueDurations;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simple built-in schedules, and an adaptive one learned from a given sample. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SchedulesTest {

  @Test
  void fixedIsFixedAndSaysSo() {
    PollSchedule f = Schedules.fixed(Duration.ofMillis(700));
    assertEquals(Duration.ofMillis(700), f.nextDelay(ctx("a", 0, 0, false)));
    assertEquals(Duration.ofMillis(700), f.nextDelay(hinted(Duration.ofSeconds(9))), "ignores hints");
    assertEquals("fixed(PT0.7S)", f.toString());
  }

  @Test
  void exponentialGrowsToItsCapWithFullJitterAndHonoursHints() {
    PollSchedule e = Schedules.exponential(Duration.ofMillis(100), 2, Duration.ofMillis(1000));
    for (int attempt = 0; attempt < 8; attempt++) {
      long cap = Math.min(1000, 100L << attempt);
      double max = 0;
      for (int i = 0; i < 300; i++) {
        long d = e.nextDelay(ctx("a", attempt, 1, false)).toMillis();
        assertTrue(d >= 0 && d <= cap, "attempt " + attempt + ": " + d + " > " + cap);
        max = Math.max(max, d);
      }
      assertTrue(max > 0.8 * cap, "full jitter reaches near the cap " + cap + ": " + max);
    }
    assertEquals(Duration.ofSeconds(9), e.nextDelay(hinted(Duration.ofSeconds(9))));
    assertEquals("exponential(PT0.1S, 2.0, PT1S)", e.toString());
  }

  @Test
  void steppedIsTheOriginalLadder() {
    PollSchedule s = Schedules.stepped();
    long[] want = {4000, 4000, 4000, 4000, 4000, 4000, 2000, 2000, 1000, 1000, 1000, 1000};
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], s.nextDelay(ctx("a", i, 0, false)).toMillis(), "attempt " + i);
    }
    assertEquals("stepped()", s.toString());
  }

  @Test
  void anAdaptiveScheduleLearnedFromASamplePlansForIt() {
    TrueDurations d = TrueDurations.lognormal(3, 0.3);
    double[] sorted = KernelEstimateTest.quantiles(d, 300);
    // Sorted, the durations grow job after job: the schedule sees a shift to ever longer jobs and
    // plans for the last few (which is why advise shuffles them first).
    AdaptiveSchedule fromSorted = (AdaptiveSchedule) Schedules.adaptiveLearnedFrom(Duration.ofMillis(50), sorted);
    assertTrue(fromSorted.shifts() >= 1, "sorted durations look like a shift");
    double[] sample = shuffled(sorted, 42);
    PollSchedule s = Schedules.adaptiveLearnedFrom(Duration.ofMillis(50), sample);
    AdaptiveSchedule a = (AdaptiveSchedule) s;
    assertNotNull(a.plan());
    assertEquals(0, a.shifts(), "a shuffled sample from one distribution is not a shift");
    assertEquals(300, a.histogram().count());
    double first = s.nextDelay(ctx("a", 0, 0, false)).toNanos() / 1e9;
    assertEquals(2.3, first, 0.3, "first poll near the optimum's 2.28 s");
    PollSchedule few = Schedules.adaptiveLearnedFrom(Duration.ofMillis(50), new double[] {3, 3, 3});
    assertEquals(null, ((AdaptiveSchedule) few).plan(), "three jobs: still the prior");
    assertEquals("adaptive(requestCost=PT0.05S)", s.toString());
  }

  @Test
  void adaptiveFactoriesKeepTheirBounds() {
    PollSchedule s = Schedules.adaptive(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(2));
    for (int attempt = 0; attempt < 20; attempt++) {
      Duration d = s.nextDelay(ctx("a", attempt, attempt, false));
      assertTrue(d.compareTo(Duration.ofMillis(100)) >= 0 && d.compareTo(Duration.ofSeconds(2)) <= 0, d.toString());
    }
  }

  /** A seeded Fisher–Yates shuffle of a copy. */
  static double[] shuffled(double[] values, long seed) {
    double[] v = values.clone();
    Random r = new Random(seed);
    for (int i = v.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      double t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return v;
  }

  private static PollContext hinted(Duration retryAfter) {
    return new PollContext("h", 2, 2, Duration.ofSeconds(1), JobStatus.PENDING, Optional.of(retryAfter),
        Optional.empty(), OptionalInt.empty(), false);
  }
}
