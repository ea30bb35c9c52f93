package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which answer times widen the slack before a silent watch is presumed ended: late calls up to
 * their planned interval count, earlier-than-due and stalled ones do not.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RunningJobsLagTest {
  static final long S = 1_000_000_000L;
  static final long MS = 1_000_000L;
  long now = -100 * S; // nanoTime may be negative
  final RunningJobs r = new RunningJobs(() -> now);

  /** {@code n} sightings of job "a", each {@code lag} after its poll, one second apart. */
  void answers(int n, long lag) {
    for (int i = 0; i < n; i++) {
      r.seen("a", i, S);
      now += S + lag;
    }
  }

  @Test
  void aLagOfExactlyThePlannedIntervalCounts() {
    answers(200, S);
    r.seen("a", 200, S);
    assertEquals(1, r.size());
    now += S + 3 * S;
    assertEquals(1, r.ages().length, "answers come a second late: three seconds late is not yet ended");
  }

  @Test
  void aLagOfZeroCountsAndBringsTheSlackBackDown() {
    answers(200, 100 * MS);
    answers(200, 0);
    r.seen("a", 400, S);
    now += S + 30 * MS;
    assertEquals(0, r.ages().length, "answers are on time again: 30 ms overdue means it ended");
  }

  @Test
  void aStalledCallLongerThanItsIntervalIsNotAnAnswerTime() {
    answers(200, 0);
    r.seen("a", 200, S);
    now += S + 10 * S; // the client stalled for ten seconds
    r.seen("a", 211, S);
    now += S + 30 * MS;
    assertEquals(0, r.ages().length, "one stall does not widen the slack");
  }

  @Test
  void anEarlyCallIsNotAnAnswerTime() {
    answers(200, 0);
    r.seen("a", 200, 10 * S);
    now += S; // nine seconds before its poll was due
    r.seen("a", 201, S);
    now += S + 30 * MS;
    assertEquals(0, r.ages().length);
  }
}
