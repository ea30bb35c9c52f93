package io.vtstatus.internal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark's statistics on fixed data. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StatsTest {

  @Test
  void percentilesInterpolateBetweenOrderStatistics() {
    double[] v = {4, 1, 3, 2};
    assertEquals(2.5, Stats.percentile(v, 0.5), 1e-12);
    assertEquals(1, Stats.percentile(v, 0), 1e-12);
    assertEquals(4, Stats.percentile(v, 1), 1e-12);
    assertEquals(3.97, Stats.percentile(v, 0.99), 1e-12);
    assertEquals(4, v[0], "input left unsorted");
  }

  @Test
  void percentileOfHundredValues() {
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) {
      v[i] = 100 - i;
    }
    assertEquals(50.5, Stats.percentile(v, 0.5), 1e-12);
    assertEquals(99.01, Stats.percentile(v, 0.99), 1e-9);
    assertEquals(50.5, Stats.mean(v), 1e-12);
  }

  @Test
  void emptyInputIsNaN() {
    assertTrue(Double.isNaN(Stats.percentile(new double[0], 0.5)));
    assertTrue(Double.isNaN(Stats.mean(new double[0])));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new double[] {1}, 1.5));
  }

  @Test
  void recoveryIsTheFirstWindowAtOrBelowTheLimit() {
    // Costs fall from 3 to 1 over the first ten values, then stay at 1.
    double[] v = new double[30];
    for (int i = 0; i < v.length; i++) {
      v[i] = i < 10 ? 3 - 0.2 * i : 1;
    }
    // Window of 5 starting at k: mean ≤ 1.15 first at k = 8 (1.4, 1.2, 1, 1, 1 → 1.12).
    assertEquals(8, Stats.recovery(v, 5, 1.15));
    assertEquals(0, Stats.recovery(v, 5, 3));
    assertEquals(-1, Stats.recovery(v, 5, 0.9));
    assertEquals(-1, Stats.recovery(new double[] {1, 1}, 5, 2), "no full window");
    assertEquals(10, Stats.recovery(v, 20, 1.0));
  }
}
