package io.vtstatus.internal.schedule;

import static io.vtstatus.internal.schedule.PollSimulation.ctx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.PollContext;
import io.vtstatus.internal.bench.TrueDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdaptiveScheduleTest {
  static final Duration COST = Duration.ofMillis(50);

  /** Trains on the distribution's quantiles (deterministic, smooth) in shuffled order. */
  static AdaptiveSchedule trained(TrueDurations d, int jobs) {
    return trainedSequential(d, jobs).schedule;
  }

  /** As {@link #trained}, keeping the fake clock so that more jobs can follow one by one. */
  static Sequential trainedSequential(TrueDurations d, int jobs) {
    Sequential s = new Sequential(COST);
    List<Double> q = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      q.add(d.quantile((i + 0.5) / jobs));
    }
    java.util.Collections.shuffle(q, new Random(3));
    for (double v : q) {
      s.finish(v);
    }
    s.schedule.replan();
    return s;
  }

  /** The gaps between successive polls of one job that is never done, up to {@code until}. */
  static List<Double> gaps(AdaptiveSchedule s, String id, double until) {
    List<Double> gaps = new ArrayList<>();
    double now = 0;
    for (int attempt = 0; now < until; attempt++) {
      double d = s.nextDelay(ctx(id, attempt, now, false)).toNanos() / 1e9;
      gaps.add(d);
      now += d;
    }
    return gaps;
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  @Test
  void exponentialDurationsGiveTheConstantIntervalDeltaStar() {
    double mean = 2;
    AdaptiveSchedule s = trained(TrueDurations.exponential(mean), 400);
    double deltaStar = Math.sqrt(2 * 0.05 * mean);
    // Over the bulk (to twice the mean; beyond, the learned tail rests on few samples).
    List<Double> g = gaps(s, "job-1", 2 * mean);
    // Skip the first poll (its phase is free) and the last (cut at `until`).
    for (int i = 1; i < g.size() - 1; i++) {
      assertEquals(deltaStar, g.get(i), 0.15 * deltaStar, "gap " + i + " of " + g);
    }
  }

  @Test
  void risingHazardShortensIntervalsAsElapsedGrows() {
    for (TrueDurations d : List.of(TrueDurations.lognormal(3, 0.3), TrueDurations.uniform(5, 15))) {
      AdaptiveSchedule s = trained(d, 400);
      List<Double> g = gaps(s, "job-1", d.quantile(0.9));
      assertTrue(g.size() >= 4, d.name() + ": " + g);
      // Over the bulk the intervals shrink: compare early gaps with late ones.
      double early = g.get(1);
      double late = g.get(g.size() - 1);
      assertTrue(late < early, d.name() + ": " + g);
      // And the first poll waits for the bulk instead of polling early.
      assertTrue(g.get(0) > d.quantile(0.02), d.name() + ": " + g);
    }
  }

  @Test
  void warmUpUsesTheGeometricPrior() {
    AdaptiveSchedule s = new AdaptiveSchedule(COST);
    for (int i = 0; i < AdaptiveSchedule.WARMUP - 1; i++) {
      s.jobFinished(Duration.ofSeconds(10));
    }
    double first = seconds(s.nextDelay(ctx("a", 0, 0, false)));
    assertTrue(first >= 0.125 && first <= 0.375, "jittered first poll " + first);
    assertEquals(0.25 * 1.5, seconds(s.nextDelay(ctx("a", 1, first, false))), 1e-9);
    assertEquals(0.25 * 1.5 * 1.5, seconds(s.nextDelay(ctx("a", 2, first, false))), 1e-9);
    assertEquals(60, seconds(s.nextDelay(ctx("a", 40, 1000, false))), 1e-9, "capped at max");
    // The first polls of different jobs differ (no lockstep), and each job's is stable.
    assertTrue(seconds(s.nextDelay(ctx("b", 0, 0, false))) != first);
    assertEquals(first, seconds(s.nextDelay(ctx("a", 0, 0, false))));
    s.jobFinished(Duration.ofSeconds(10));
    assertTrue(s.plan() != null, "learned after WARMUP jobs");
    assertTrue(seconds(s.nextDelay(ctx("a", 0, 0, false))) > 5, "now waits for the 10 s bulk");
  }

  @Test
  void beforeLearningThePriorSkipsAgesTwentyRunningJobsAllReached() {
    long[] now = {0};
    AdaptiveSchedule s = new AdaptiveSchedule(COST, AdaptiveSchedule.DEFAULT_MIN,
        AdaptiveSchedule.DEFAULT_MAX, () -> now[0], java.util.Optional.empty());
    for (int j = 0; j < AdaptiveSchedule.FRONTIER_EVIDENCE - 1; j++) {
      s.nextDelay(ctx("old-" + j, 5, 2.0, false));
    }
    double alone = seconds(s.nextDelay(ctx("new", 0, 0, false)));
    assertTrue(alone <= 0.375, "19 running jobs are not evidence enough: " + alone);
    s.nextDelay(ctx("old-last", 5, 2.0, false));
    now[0] += AdaptiveSchedule.FRONTIER_EVERY_NANOS;
    double lifted = seconds(s.nextDelay(ctx("new", 0, 0, false)));
    assertTrue(lifted >= 1.9 && lifted <= 2.0, "twenty ran 2 s: the first poll waits for that: " + lifted);
    s.jobFinished(Duration.ofMillis(500));
    now[0] += AdaptiveSchedule.FRONTIER_EVERY_NANOS;
    double capped = seconds(s.nextDelay(ctx("new", 0, 0, false)));
    assertTrue(capped >= 0.45 && capped <= 0.5, "a job ended at 0.5 s: not later than that: " + capped);
  }

  @Test
  void serverHintsOverrideAndAreClamped() {
    AdaptiveSchedule s = trained(TrueDurations.lognormal(3, 0.3), 200);
    assertEquals(Duration.ofMillis(700), s.nextDelay(hinted(Optional.of(Duration.ofMillis(700)), Optional.empty())));
    assertEquals(Duration.ofMillis(1200), s.nextDelay(hinted(Optional.empty(), Optional.of(Duration.ofMillis(1200)))));
    assertEquals(Duration.ofMillis(20), s.nextDelay(hinted(Optional.of(Duration.ZERO), Optional.empty())));
    assertEquals(Duration.ofSeconds(60), s.nextDelay(hinted(Optional.of(Duration.ofHours(1)), Optional.empty())));
  }

  private static PollContext hinted(Optional<Duration> retryAfter, Optional<Duration> eta) {
    return new PollContext("h", 1, 1, Duration.ofSeconds(1), JobStatus.PENDING, retryAfter, eta,
        OptionalInt.empty(), false);
  }

  @Test
  void delaysStayWithinBounds() {
    Duration min = Duration.ofMillis(100);
    Duration max = Duration.ofSeconds(2);
    AdaptiveSchedule s = new AdaptiveSchedule(COST, min, max);
    Random rnd = new Random(5);
    TrueDurations d = TrueDurations.lognormal(30, 1.5);
    for (int i = 0; i < 300; i++) {
      s.jobFinished(Duration.ofNanos(Math.round(d.sample(rnd) * 1e9)));
    }
    for (int j = 0; j < 200; j++) {
      double now = 0;
      for (int attempt = 0; attempt < 200; attempt++) {
        Duration delay = s.nextDelay(ctx("j" + j, attempt, now, attempt % 7 == 3));
        assertTrue(delay.compareTo(min) >= 0 && delay.compareTo(max) <= 0 || attempt % 7 == 3,
            "delay " + delay);
        now += seconds(delay);
      }
    }
  }

  /** How many polls one job gets until {@code until}, with webhooks arriving or not. */
  static int polls(AdaptiveSchedule s, String id, double until, boolean webhooks) {
    double now = 0;
    int n = 0;
    for (int attempt = 0; ; attempt++) {
      now += seconds(s.nextDelay(ctx(id, attempt, now, webhooks)));
      if (now > until) {
        return n;
      }
      n++;
    }
  }

  @Test
  void webhooksStretchIntoASafetyNetThatTightensAsWebhooksGetLost() {
    AdaptiveSchedule s = trained(TrueDurations.lognormal(3, 0.3), 300);
    assertEquals(AdaptiveSchedule.PRIOR_MISS_SHARE, s.missShare(), 1e-12);
    double plainFirst = seconds(s.nextDelay(ctx("w", 0, 0, false)));
    double netFirst = seconds(s.nextDelay(ctx("w", 0, 0, true)));
    assertTrue(netFirst > plainFirst, "net " + netFirst + " vs plain " + plainFirst);
    int plain = polls(s, "w", 6, false);
    int net = polls(s, "w", 6, true);
    assertTrue(net < plain, "net polls " + net + " vs plain " + plain);

    // Webhooks that always arrive: the miss share falls to its floor and the net thins out.
    for (int i = 0; i < 300; i++) {
      s.jobFinished(Duration.ofSeconds(3), io.vtstatus.DetectedBy.WEBHOOK);
    }
    s.replan();
    assertTrue(s.missShare() < AdaptiveSchedule.MIN_MISS_SHARE);
    assertTrue(polls(s, "w", 6, true) <= net, "reliable webhooks, polls " + polls(s, "w", 6, true));
    assertTrue(seconds(s.nextDelay(ctx("w", 0, 0, true))) >= netFirst);

    // Webhooks that never arrive: every end is found by a poll, and the net becomes the plan.
    for (int i = 0; i < 300; i++) {
      s.jobFinished(Duration.ofSeconds(3), io.vtstatus.DetectedBy.POLL);
    }
    s.replan();
    assertTrue(s.missShare() > 0.9);
    assertEquals(polls(s, "w", 6, false), polls(s, "w", 6, true), 1);
  }

  @Test
  void beforeLearningTheNetIsOnePollAtFiveSecondsThenEveryThirty() {
    AdaptiveSchedule s = new AdaptiveSchedule(COST);
    double first = seconds(s.nextDelay(ctx("w", 0, 0, true)));
    assertTrue(first >= 4.5 && first <= 5.5, "first " + first);
    assertEquals(30, seconds(s.nextDelay(ctx("w", 1, 6, true))), 1e-9);
  }

  @Test
  void jitterIsSmallStableAndSpreadsJobs() {
    AdaptiveSchedule s = trained(TrueDurations.lognormal(3, 0.3), 300);
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (int j = 0; j < 1000; j++) {
      double first = seconds(s.nextDelay(ctx("job-" + j, 0, 0, false)));
      lo = Math.min(lo, first);
      hi = Math.max(hi, first);
    }
    double planned = s.plan().times[0];
    assertTrue(lo >= planned * (1 - AdaptiveSchedule.JITTER) - 1e-9);
    assertTrue(hi <= planned * (1 + AdaptiveSchedule.JITTER) + 1e-9);
    assertTrue(hi - lo > planned * AdaptiveSchedule.JITTER, "spread " + lo + ".." + hi);
  }

  @Test
  void adaptsAfterTheDistributionShifts() {
    Sequential seq = trainedSequential(TrueDurations.lognormal(2, 0.3), 300);
    AdaptiveSchedule s = seq.schedule;
    Random rnd = new Random(9);
    TrueDurations after = TrueDurations.lognormal(10, 0.3);
    double floor = io.vtstatus.internal.bench.Optimum.bhp(after, 0.05).cost();
    int seen = 0;
    StringBuilder trace = new StringBuilder();
    for (int checkpoint : new int[] {5, 10, 20, 50, 100, 200}) {
      for (; seen < checkpoint; seen++) {
        seq.finish(after.sample(rnd));
      }
      s.replan();
      double ratio = PollPlans.expectedCost(after, s.plan().times, 0.05) / floor;
      trace.append(String.format(java.util.Locale.ROOT, " %d:%.3f", checkpoint, ratio));
      if (checkpoint >= AdaptiveSchedule.RECOVERY_JOBS) {
        assertTrue(ratio <= 1.15, "cost/floor after " + checkpoint + " jobs:" + trace);
      }
    }
    assertEquals(1, s.shifts(), "one shift detected:" + trace);
    System.out.println("SHIFT lognormal(2s,0.3) -> lognormal(10s,0.3), plan cost/floor after n jobs:" + trace);
  }

  @Test
  void withoutTheDetectorForgettingAloneWouldTakeHundredsOfJobs() {
    // The same shift, measured on the record alone (no detector): what the detector saves.
    DurationHistogram h = new DurationHistogram(AdaptiveSchedule.HALF_LIFE);
    TrueDurations before = TrueDurations.lognormal(2, 0.3);
    TrueDurations after = TrueDurations.lognormal(10, 0.3);
    Random rnd = new Random(9);
    for (int i = 0; i < 300; i++) {
      h.add(before.sample(rnd));
    }
    double floor = io.vtstatus.internal.bench.Optimum.bhp(after, 0.05).cost();
    for (int i = 0; i < 100; i++) {
      h.add(after.sample(rnd));
    }
    LearnedModel m = h.snapshot();
    double[] plan = PollPlans.polish(m, PollPlans.optimalKeller(m, 0.05, 2000), 0.05, 20);
    assertTrue(PollPlans.expectedCost(after, plan, 0.05) > 1.15 * floor,
        "forgetting alone is not back within 1.15x after 100 jobs");
  }

  @Test
  void concurrentUseIsSafe() throws Exception {
    AdaptiveSchedule s = new AdaptiveSchedule(COST);
    TrueDurations d = TrueDurations.lognormal(3, 0.5);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        workers.add(pool.submit(() -> {
          Random rnd = new Random(id);
          for (int i = 0; i < 2000; i++) {
            String job = "t" + id + "-" + i;
            s.jobFinished(Duration.ofNanos(Math.round(d.sample(rnd) * 1e9)));
            Duration delay = s.nextDelay(ctx(job, i % 5, rnd.nextDouble() * 6, false));
            // A failure here fails the test: the future rethrows it below.
            assertTrue(!delay.isNegative() && delay.compareTo(Duration.ofSeconds(60)) <= 0,
                "delay " + delay);
            s.watchEnded(Burst.ctx(job, i % 5, 6, io.vtstatus.JobStatus.COMPLETED));
          }
          return null;
        }));
      }
      for (Future<?> f : workers) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(8000, s.histogram().count());
    assertEquals(0, s.running().size(), "every watch that ended left the running set");
  }
}
