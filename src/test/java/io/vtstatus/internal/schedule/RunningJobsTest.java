package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watches a schedule counts as running, learned from nextDelay and watchEnded. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RunningJobsTest {
  long now;
  final RunningJobs r = new RunningJobs(() -> now);
  static final long S = 1_000_000_000L;

  @Test
  void aWatchCountsFromItsLastSightingUntilItEnds() {
    r.seen("a", 1.5, S);
    r.seen("b", 0.5, S);
    r.seen("a", 2.5, S);
    assertArrayEquals(new double[] {0.5, 2.5}, sorted(r.ages()));
    r.ended("a");
    assertTrue(r.endsReported());
    assertArrayEquals(new double[] {0.5}, r.ages());
    RunningJobs.Seen seen = r.seen();
    assertEquals(now - S / 2, seen.starts()[0], "started half a second before it was seen");
  }

  @Test
  void withEndsReportedAnOverdueWatchStaysUntilAbandoned() {
    r.ended("nothing");
    r.seen("a", 1, S);
    now += S + RunningJobs.ABANDONED_AFTER_NANOS - 1;
    assertEquals(1, r.ages().length, "its poll may be slow; the client says when it ends");
    now += 2;
    assertEquals(0, r.ages().length, "abandoned: nobody refreshed it for a minute");
    assertEquals(0, r.size());
  }

  @Test
  void withoutEndReportsAnOverdueWatchIsPresumedEndedAfterAFewAnswerTimes() {
    r.seen("a", 1, S);
    now += S + RunningJobs.MIN_SLACK_NANOS / 2;
    assertEquals(1, r.ages().length);
    now += RunningJobs.MIN_SLACK_NANOS;
    assertEquals(0, r.ages().length, "its poll found it ended (no one said so)");
    assertFalse(r.endsReported());
  }

  @Test
  void slowAnswersWidenTheSlack() {
    for (int i = 0; i < 200; i++) {
      r.seen("a", i, S);
      now += S + 100_000_000L;
    }
    r.seen("a", 200, S);
    now += S + 300_000_000L;
    assertEquals(1, r.ages().length, "answers come 100 ms late, so 300 ms late is not yet ended");
    now += 200_000_000L;
    assertEquals(0, r.ages().length);
  }

  private static double[] sorted(double[] a) {
    double[] b = a.clone();
    java.util.Arrays.sort(b);
    return b;
  }
}
