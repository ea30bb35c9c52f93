package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The histogram's bins, weights and checks at their exact edges. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DurationHistogramEdgesTest {

  @Test
  void everyEdgeOpensItsOwnBin() {
    double[] e = DurationHistogram.EDGES.clone();
    int bins = new DurationHistogram(1).bins();
    assertEquals(160, bins, "1 ms to 24 h at 20 a decade, and [0, 1 ms)");
    assertEquals(bins + 1, e.length);
    assertEquals(0, e[0]);
    assertEquals(1e-3, e[1], 0);
    for (int i = 1; i < bins; i++) {
      assertEquals(i, DurationHistogram.binOf(e[i]), "edge " + i + " = " + e[i]);
      assertEquals(i - 1, DurationHistogram.binOf(Math.nextDown(e[i])), "just below edge " + i);
      assertEquals(i, DurationHistogram.binOf(Math.sqrt(e[i] * e[i + 1])), "inside bin " + i);
    }
    assertEquals(0, DurationHistogram.binOf(0));
    assertEquals(0, DurationHistogram.binOf(Double.NaN));
    assertEquals(0, DurationHistogram.binOf(-1));
    assertEquals(bins - 1, DurationHistogram.binOf(86_400));
    assertEquals(bins - 1, DurationHistogram.binOf(Math.nextDown(86_400.0)));
    assertEquals(bins - 1, DurationHistogram.binOf(1e12));
  }

  @Test
  void badArgumentsAreRefusedAndChangeNothing() {
    for (double h : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DurationHistogram(h));
      assertEquals("Invalid half-life: " + h, e.getMessage());
    }
    DurationHistogram h = new DurationHistogram(10);
    h.add(1);
    for (double share : new double[] {-0.01, 1.01, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.forget(share));
      assertEquals("Invalid share: " + share, e.getMessage());
    }
    assertEquals(1, h.effectiveCount(), 1e-12);
    h.forget(1);
    assertEquals(1, h.effectiveCount(), 1e-12);
    assertEquals(1, EndedOnly.of(h).cdf(2), 1e-12, "forget(1) keeps everything");
    assertThrows(IllegalArgumentException.class,
        () -> h.snapshot(new double[1], new double[2], Optional.empty()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> h.restore(new DurationHistogram.State(new DurationHistogram.Bins(3), new DurationHistogram.Bins(3), 1, 0)));
    assertEquals("want 160 bins, not 3", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> h.restore(new DurationHistogram.State(new DurationHistogram.Bins(160), new DurationHistogram.Bins(3), 1, 0)));
    assertEquals(1, h.count());
  }

  @Test
  void aJobWeighsHalfAfterAHalfLifeOfEndsAndCensoredRecordsDoNotAge() {
    DurationHistogram h = new DurationHistogram(10);
    assertEquals(1, h.age(0), 0);
    assertEquals(1, h.age(-5), 0);
    assertEquals(0.5, h.age(10), 1e-12);
    assertEquals(0.25, h.age(20), 1e-12);
    assertEquals(Math.pow(2, -100_000), h.age(Long.MAX_VALUE), 0, "capped at a million ends");
    // One job at 1 s that started when 10 others had ended weighs half of one at 2 s.
    h.add(1, 10);
    h.add(2, 0);
    // The second job is the newer by one: it weighs 2^(1/10) of a fresh start.
    double w1 = 0.5;
    double w2 = Math.pow(2, 0.1);
    LearnedModel s = EndedOnly.of(h);
    assertEquals(w1 / (w1 + w2), s.cdf(1.5), 1e-9);
    assertEquals(2, h.count());
    // Kish: (w1 + w2)² / (w1² + w2²).
    assertEquals((w1 + w2) * (w1 + w2) / (w1 * w1 + w2 * w2), h.effectiveCount(), 1e-9);
    h.addCensored(0);
    h.addCensored(-1);
    h.addCensored(Double.NaN);
    assertEquals(0, h.censoredCount(), "no information, not recorded");
    h.addCensored(5);
    h.addCensored(5, 10);
    assertEquals(2, h.censoredCount());
    assertEquals(2, h.count(), "censored records are not ended jobs");
    DurationHistogram.State st = h.state();
    // A censored record weighs as the last job did: the clock does not advance for it.
    assertEquals(1.5, st.censored.w[DurationHistogram.binOf(5)], 1e-9);
    assertEquals(1.25, st.censored.sq[DurationHistogram.binOf(5)], 1e-9);
    assertEquals(1, st.ended.w[DurationHistogram.binOf(2)], 1e-9, "the newest job weighs 1");
    assertEquals(0.5 / w2, st.ended.w[DurationHistogram.binOf(1)], 1e-9);
  }

  @Test
  void restartKeepsAShareAndRelearnsTheRecentAtFullWeight() {
    DurationHistogram h = new DurationHistogram(1e9);
    for (int i = 0; i < 100; i++) {
      h.add(1);
    }
    h.restart(0.01, new double[] {-1, 10, Double.NaN, 10});
    assertEquals(100, h.count(), "a restart re-learns, it does not count jobs again");
    LearnedModel s = EndedOnly.of(h);
    assertEquals(1.0 / 3, s.cdf(2), 1e-6, "1 of old weight against 2 new");
  }

  @Test
  void weightsAreRescaledLongBeforeTheyOverflow() {
    // A half-life of one job doubles the next weight each time: 1e100 after ~332 jobs.
    DurationHistogram h = new DurationHistogram(1);
    for (int i = 0; i < 5000; i++) {
      h.add(i % 2 == 0 ? 1 : 3);
    }
    h.addCensored(4);
    DurationHistogram.State st = h.state();
    // Weights 1, 1/2, 1/4, ... from the newest: 4/3 at 3 s, 2/3 at 1 s, Kish (2)² / (4/3) = 3.
    assertEquals(4.0 / 3, st.ended.w[DurationHistogram.binOf(3)], 1e-9);
    assertEquals(2.0 / 3, st.ended.w[DurationHistogram.binOf(1)], 1e-9);
    assertEquals(1, st.censored.w[DurationHistogram.binOf(4)], 1e-9, "weighs as the newest job");
    assertEquals(3, h.effectiveCount(), 1e-9);
  }

  @Test
  void stateRoundTripsAndItsChecksRefuseWhatNoRecordProduces() {
    DurationHistogram h = new DurationHistogram(50);
    h.add(1);
    h.add(2, 3);
    h.addCensored(7);
    DurationHistogram.State st = h.state();
    DurationHistogram copy = new DurationHistogram(50);
    copy.restore(st);
    assertEquals(2, copy.count());
    assertEquals(1, copy.censoredCount());
    assertEquals(h.effectiveCount(), copy.effectiveCount(), 1e-12);
    for (double t : new double[] {0.5, 1.05, 1.5, 2.1, 8}) {
      assertEquals(h.snapshot().cdf(t), copy.snapshot().cdf(t), 1e-12, "at " + t);
    }
    // The restored histogram goes on learning at the same scale.
    h.add(3);
    copy.add(3);
    assertEquals(h.snapshot().cdf(2.5), copy.snapshot().cdf(2.5), 1e-12);

    double[] ok = new double[4];
    ok[1] = 2;
    double[] okSq = new double[4];
    okSq[1] = 4;
    assertEquals(2, DurationHistogram.State.of(ok, okSq, new double[4], new double[4], 2, 0).ended.w[1]);
    assertThrows(IllegalArgumentException.class,
        () -> DurationHistogram.State.of(ok, new double[3], new double[4], new double[4], 2, 0));
    assertThrows(IllegalArgumentException.class,
        () -> DurationHistogram.State.of(ok, okSq, new double[3], new double[4], 2, 0));
    assertThrows(IllegalArgumentException.class,
        () -> DurationHistogram.State.of(ok, okSq, new double[4], new double[5], 2, 0));
    double[] sqTooBig = okSq.clone();
    sqTooBig[1] = 4.01;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DurationHistogram.State.of(ok, sqTooBig, new double[4], new double[4], 2, 0));
    assertEquals("squares exceed weights in bin 1", e.getMessage());
    double[] cen = {0, 0, 0, 1};
    double[] cenSq = {0, 0, 0, 1.01};
    assertThrows(IllegalArgumentException.class,
        () -> DurationHistogram.State.of(ok, okSq, cen, cenSq, 2, 0));
    for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      double[] w = ok.clone();
      w[2] = bad;
      assertThrows(IllegalArgumentException.class,
          () -> DurationHistogram.State.of(w, okSq, new double[4], new double[4], 2, 0), "weight " + bad);
      assertThrows(IllegalArgumentException.class,
          () -> DurationHistogram.State.of(ok, okSq, new double[4], w, 2, 0), "censored square " + bad);
    }
    assertThrows(IllegalArgumentException.class,
        () -> DurationHistogram.State.of(ok, okSq, new double[4], new double[4], -1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> DurationHistogram.State.of(ok, okSq, new double[4], new double[4], 2, -1));
    assertEquals(0, DurationHistogram.State.of(ok, okSq, new double[4], new double[4], 0, 0).count);
  }

  @Test
  void aSnapshotIsADistributionUpToItsEdges() {
    // A half-life so long that every weight is exactly 1: the cumulative sums are exact.
    DurationHistogram h = new DurationHistogram(Double.MAX_VALUE);
    h.add(1);
    h.add(1);
    h.add(4);
    h.add(4);
    LearnedModel s = EndedOnly.of(h);
    double[] e = DurationHistogram.EDGES.clone();
    int b1 = DurationHistogram.binOf(1);
    assertEquals(0, s.cdf(0));
    assertEquals(0, s.cdf(-1));
    assertEquals(0, s.pdf(-1));
    assertEquals(0, s.pdf(Double.NaN));
    assertEquals(1, s.cdf(e[e.length - 1]));
    assertEquals(0, s.pdf(e[e.length - 1]));
    assertEquals(0, s.quantile(0));
    assertEquals(0, s.quantile(-1));
    // Exactly half the mass lies below bin(1)'s upper neighbours... smoothed [1, 2, 1].
    assertEquals(0.5, s.cdf(2), 0);
    // p = 0.5 is reached at the end of bin(1)'s smoothed mass; the first edge reaching it.
    double q = s.quantile(0.5);
    assertEquals(0.5, s.cdf(q), 0);
    assertEquals(e[b1 + 2], q, 0, "the end of the first point's smoothed mass, not the empty bins after it");
    assertTrue(q < 2 && q >= e[b1 + 1], "the first point reaching 0.5: " + q);
    assertEquals(s.quantile(1), s.quantile(2), 0, "p is capped at 1");
    assertEquals(1, s.cdf(s.quantile(1)), 1e-12);
    assertTrue(s.quantile(1) < 6, "ends at the last mass: " + s.quantile(1));
    double mid = Math.sqrt(e[b1] * e[b1 + 1]);
    assertEquals(s.probabilities()[b1] / (e[b1 + 1] - e[b1]), s.pdf(mid), 1e-12);
    double[] p = s.probabilities();
    double mean = 0;
    for (int i = 0; i < p.length; i++) {
      mean += p[i] * 0.5 * (e[i] + e[i + 1]);
    }
    assertEquals(mean, s.mean(), 1e-12);
    assertEquals(2.5, s.mean(), 0.2, "bins 12 % wide, valued at their middles");
  }
}
