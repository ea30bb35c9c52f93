package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The product-limit estimate counts jobs still running, so a burst does not bias it short. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CensoredEstimateTest {

  @Test
  void afterTheFirstTenthOfABurstEndsTheMedianIsWithinFifteenPercent() {
    TrueDurations truth = TrueDurations.lognormal(3, 0.3);
    Random rnd = new Random(11);
    double[] dur = new double[1000];
    for (int i = 0; i < dur.length; i++) {
      dur[i] = truth.sample(rnd);
    }
    Burst b = new Burst(dur);
    AdaptiveSchedule s = new AdaptiveSchedule(Duration.ofMillis(50), Duration.ofMillis(20),
        Duration.ofSeconds(60), () -> b.now, Optional.empty());
    b.start(s);
    b.runUntil(s, x -> x.ended >= 100);
    double censored = s.model().quantile(0.5);
    double endedOnly = EndedOnly.of(s.histogram()).quantile(0.5);
    double trueMedian = truth.quantile(0.5);
    String msg = String.format(Locale.ROOT,
        "after %d of 1000 ended (t = %.2f s): median counting running jobs %.3f s, ended jobs only %.3f s, true %.3f s",
        b.ended, b.now / 1e9, censored, endedOnly, trueMedian);
    System.out.println("CENSORED " + msg);
    assertEquals(trueMedian, censored, 0.15 * trueMedian, msg);
    assertTrue(endedOnly < 0.8 * trueMedian, "the ended-only estimate is far short: " + msg);
  }
}
