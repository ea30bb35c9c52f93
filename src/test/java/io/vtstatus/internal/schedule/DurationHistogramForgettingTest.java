package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Forgetting across the weights' rescaling, forget() on censored jobs, and add(Duration). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DurationHistogramForgettingTest {
  @Test
  void aDurationIsAddedInSeconds() {
    DurationHistogram h = new DurationHistogram(100);
    h.add(Duration.ofMillis(1500));
    assertEquals(1, h.count());
    assertEquals(1, h.state().ended.w[DurationHistogram.binOf(1.5)], 1e-12);
  }

  @Test
  void forgetScalesTheRunningJobsToo() {
    DurationHistogram h = new DurationHistogram(100);
    h.add(1);
    h.addCensored(5);
    h.forget(0.25);
    DurationHistogram.State s = h.state();
    assertEquals(0.25, s.ended.w[DurationHistogram.binOf(1)], 1e-12);
    assertEquals(0.25, s.censored.w[DurationHistogram.binOf(5)], 1e-12);
  }

  @Test
  void weightsDoubleEachJobAndSurviveTheirRescaling() {
    // A half-life of one job: each new job weighs twice the last. After 400 jobs the weights
    // passed 1e100 and were rescaled (more than once); the relative weights must not change.
    DurationHistogram h = new DurationHistogram(1);
    h.addCensored(100);
    for (int i = 0; i < 400; i++) {
      h.add(1);
    }
    for (int i = 0; i < 3; i++) {
      h.add(10);
    }
    DurationHistogram.State s = h.state();
    // Newest weighs 1, then 1/2, 1/4: the three 10 s jobs weigh 1.75, the 1 s jobs 0.25.
    assertEquals(1.75, s.ended.w[DurationHistogram.binOf(10)], 1e-9);
    assertEquals(0.25, s.ended.w[DurationHistogram.binOf(1)], 1e-9);
    assertTrue(s.censored.w[DurationHistogram.binOf(100)] < 1e-100, "the old running job is forgotten");
  }
}
