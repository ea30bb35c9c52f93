package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How many jobs ended after a given time: strictly after, across the ring's wrap, and capped. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EndCounterTest {
  @Test
  void nothingEndedCountsNothing() {
    assertEquals(0, new EndCounter().endsSince(Long.MIN_VALUE));
  }

  @Test
  void countsTheEndsStrictlyAfterTheTime() {
    EndCounter c = new EndCounter();
    c.ended(10);
    c.ended(20);
    c.ended(30);
    assertEquals(3, c.endsSince(9));
    assertEquals(2, c.endsSince(10), "an end at exactly t is not after t");
    assertEquals(2, c.endsSince(11));
    assertEquals(1, c.endsSince(29));
    assertEquals(0, c.endsSince(30));
    assertEquals(0, c.endsSince(1000));
  }

  @Test
  void equalTimesAllCount() {
    EndCounter c = new EndCounter();
    for (int i = 0; i < 5; i++) {
      c.ended(100);
    }
    c.ended(200);
    assertEquals(6, c.endsSince(99));
    assertEquals(1, c.endsSince(100));
  }

  @Test
  void nanoTimeMayBeNegativeAndWrap() {
    // System.nanoTime is an arbitrary origin: times compare by difference, not by sign.
    EndCounter c = new EndCounter();
    c.ended(Long.MAX_VALUE - 5);
    c.ended(Long.MAX_VALUE);
    c.ended(Long.MIN_VALUE + 5); // 6 ns after MAX_VALUE
    assertEquals(3, c.endsSince(Long.MAX_VALUE - 6));
    assertEquals(1, c.endsSince(Long.MAX_VALUE));
    assertEquals(0, c.endsSince(Long.MIN_VALUE + 5));
  }

  @Test
  void keepsTheLastKeptEndsAcrossTheRingsWrap() {
    EndCounter c = new EndCounter();
    int extra = 1000;
    for (int i = 1; i <= EndCounter.KEPT + extra; i++) {
      c.ended(i * 10L);
    }
    assertEquals(EndCounter.KEPT, c.endsSince(0), "older ends are forgotten");
    assertEquals(EndCounter.KEPT, c.endsSince(extra * 10L), "the oldest kept is the next one");
    assertEquals(EndCounter.KEPT - 1, c.endsSince((extra + 1) * 10L));
    // Every position of the binary search, both sides of the wrap point in the array.
    for (int k = 0; k <= EndCounter.KEPT; k += 97) {
      long t = (EndCounter.KEPT + extra - k) * 10L;
      assertEquals(k, c.endsSince(t), "ends after " + t);
      assertEquals(k, c.endsSince(t + 9), "ends after " + (t + 9));
    }
  }
}
