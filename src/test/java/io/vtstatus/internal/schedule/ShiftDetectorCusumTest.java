package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The detector's CUSUM step by step, with the u values given by hand: when it fires, which
 * durations it hands back, and where "outside" begins. (ShiftDetectorTest runs it inside a
 * schedule on sampled durations.)
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ShiftDetectorCusumTest {
  static final double OUT = Math.log(ShiftDetector.P_SHIFTED / ShiftDetector.P_STEADY);
  static final double IN = Math.log((1 - ShiftDetector.P_SHIFTED) / (1 - ShiftDetector.P_STEADY));
  static final double LOW = 0.001;
  static final double HIGH = 0.999;
  static final double MID = 0.5;

  final ShiftDetector d = new ShiftDetector();

  @Test
  void threeOutsideInARowFireAndHandBackThoseThree() {
    assertNull(d.observe(1, MID));
    assertEquals(0, d.score());
    assertNull(d.observe(2, LOW));
    assertEquals(OUT, d.score(), 1e-12);
    assertNull(d.observe(3, HIGH), "both tails count");
    assertEquals(2 * OUT, d.score(), 1e-12);
    assertArrayEquals(new double[] {2, 3, 4}, d.observe(4, LOW));
    assertEquals(0, d.score(), "starts afresh");
    assertNull(d.observe(5, LOW), "one outside after a detection is not a new one");
    assertEquals(OUT, d.score(), 1e-12);
  }

  @Test
  void fourOutsideWithAFittingOneBetweenFire() {
    assertNull(d.observe(1, LOW));
    assertNull(d.observe(2, LOW));
    assertNull(d.observe(3, MID));
    assertEquals(2 * OUT + IN, d.score(), 1e-12);
    assertArrayEquals(new double[] {1, 2, 3, 4}, d.observe(4, HIGH));
  }

  @Test
  void fittingDurationsWearTheEvidenceAwayAndTheRunRestarts() {
    assertNull(d.observe(1, LOW));
    for (int i = 0; i < 5; i++) {
      assertNull(d.observe(10 + i, MID));
    }
    assertEquals(0, d.score(), "five fitting durations outweigh one outside");
    assertNull(d.observe(20, LOW));
    assertNull(d.observe(21, LOW));
    assertArrayEquals(new double[] {20, 21, 22}, d.observe(22, LOW),
        "the evidence begins at 20, not at the first outlier");
  }

  @Test
  void theTailEndsAreInside() {
    for (int i = 0; i < 10; i++) {
      assertNull(d.observe(i, ShiftDetector.TAIL));
      assertNull(d.observe(i, 1 - ShiftDetector.TAIL));
    }
    assertEquals(0, d.score(), "u exactly at the 1 % and 99 % points fits");
    assertNull(d.observe(1, Math.nextDown(ShiftDetector.TAIL)));
    assertNull(d.observe(2, Math.nextUp(1 - ShiftDetector.TAIL)));
    assertEquals(2 * OUT, d.score(), 1e-12);
  }

  @Test
  void unjudgedDurationsAreRememberedButAddNoEvidence() {
    assertNull(d.observe(1, Double.NaN));
    assertEquals(0, d.score());
    assertNull(d.observe(2, LOW));
    assertNull(d.observe(3, LOW));
    assertNull(d.observe(4, Double.NaN));
    assertEquals(2 * OUT, d.score(), 1e-12);
    assertArrayEquals(new double[] {2, 3, 4, 5}, d.observe(5, LOW));
  }

  @Test
  void aLongRunOfEvidenceHandsBackOnlyTheRecentDurations() {
    // One outside in five gains about 0.16 per round: it fires after 27 rounds (131 durations).
    double[] since = null;
    int n = 0;
    while (since == null) {
      double u = n % 5 == 0 ? LOW : MID;
      since = d.observe(n, u);
      n++;
      if (n > 1000) {
        break;
      }
    }
    assertNotNull(since, "slow but steady evidence fires");
    assertEquals(131, n);
    assertEquals(ShiftDetector.RECENT, since.length);
    for (int i = 0; i < since.length; i++) {
      assertEquals(n - ShiftDetector.RECENT + i, since[i], "the last RECENT, oldest first");
    }
  }
}
