package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vtstatus.JobStatus;
import io.vtstatus.PollContext;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adaptive schedule's delays worked by hand where they are closed formulas: the prior before
 * anything is learned, the webhook safety net before anything is learned, the survival frontier
 * of jobs seen running, and the tail past the end of a learned plan. A request cost of 100 ms
 * (twice the default) scales the prior and the net by two. Fake clock; jitter from the job id.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AdaptiveScheduleDelaysTest {
  static final double MS = 1e-3;
  long now = -7_000_000_000L;
  final AdaptiveSchedule s = new AdaptiveSchedule(Duration.ofMillis(100), Duration.ofMillis(20),
      Duration.ofSeconds(120), () -> now, Optional.empty());

  static PollContext ctx(String job, int attempt, double elapsed, boolean webhooks) {
    return new PollContext(job, attempt, attempt, Duration.ofNanos(Math.round(elapsed * 1e9)), JobStatus.PENDING,
        Optional.empty(), Optional.empty(), OptionalInt.empty(), webhooks);
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  @Test
  void thePriorStartsAtTwiceAQuarterSecondJitteredAndGrowsByHalf() {
    double j = AdaptiveSchedule.jitter("a");
    assertEquals(0.5 * (1 + 0.5 * j), seconds(s.nextDelay(ctx("a", 0, 0, false))), MS / 1000);
    assertEquals(0.5 * Math.pow(1.5, 3), seconds(s.nextDelay(ctx("a", 3, 1, false))), MS / 1000);
  }

  @Test
  void theNetBeforeLearningPollsOnceAtTenSecondsThenEveryMinute() {
    double netAt = 10 * (1 + 0.1 * AdaptiveSchedule.jitter("w"));
    assertEquals(netAt - 1, seconds(s.nextDelay(ctx("w", 0, 1, true))), MS / 1000);
    assertEquals(60, seconds(s.nextDelay(ctx("w", 1, netAt, true))), MS / 1000);
  }

  @Test
  void theNetBeforeLearningSkipsItsEarlyPollForAJobTheClientAlreadyLookedAt() {
    // The client's first look (a job it did not create, polled within a second) was that poll.
    assertEquals(60, seconds(s.nextDelay(ctx("looked", 1, 1, true))), MS / 1000);
  }

  @Test
  void aNewJobSkipsToTheAgeTwentyRunningJobsAllReached() {
    for (int i = 0; i < AdaptiveSchedule.FRONTIER_EVIDENCE + 5; i++) {
      s.nextDelay(ctx("r" + i, 5, 10 + i, false)); // seen running at 10 s, 11 s, ... 34 s
    }
    now += AdaptiveSchedule.FRONTIER_EVERY_NANOS + 1;
    double j = AdaptiveSchedule.jitter("new");
    // The 20th oldest of 25 ages 10..34 is 15 s: a new job's first poll goes just before it.
    assertEquals(15 * (1 - 0.05 * (1 + j) / 2), seconds(s.nextDelay(ctx("new", 0, 0, false))), MS / 1000);
  }

  @Test
  void pastTheEndOfALearnedPlanPollsEveryRootTwoCE() {
    for (int i = 0; i < AdaptiveSchedule.WARMUP + 2; i++) {
      now += 3_000_000_000L;
      s.jobFinished(Duration.ofSeconds(3));
    }
    s.replan();
    assertEquals(Math.sqrt(2 * 0.1 * 5000), seconds(s.nextDelay(ctx("late", 40, 5000, false))), MS / 1000);
  }
}
