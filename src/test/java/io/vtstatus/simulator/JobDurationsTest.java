package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JobDurationsTest {
  private final SplittableRandom random = new SplittableRandom(1);

  @Test
  void fixed() {
    assertEquals(Duration.ofSeconds(5), JobDurations.parse("5s").sample(random));
    assertEquals(Duration.ofMillis(250), JobDurations.parse(" 250ms ").sample(random));
  }

  @Test
  void uniformStaysInRange() {
    JobDurations d = JobDurations.parse("5s..15s");
    for (int i = 0; i < 1000; i++) {
      Duration s = d.sample(random);
      assertTrue(s.compareTo(Duration.ofSeconds(5)) >= 0 && s.compareTo(Duration.ofSeconds(15)) <= 0, s.toString());
    }
    assertEquals("5.00s..15.0s", d.toString());
  }

  @Test
  void lognormalHasTheGivenMedian() {
    JobDurations d = JobDurations.parse("lognormal:3s,0.3");
    int below = 0;
    for (int i = 0; i < 2000; i++) {
      if (d.sample(random).compareTo(Duration.ofSeconds(3)) < 0) {
        below++;
      }
    }
    assertTrue(below > 850 && below < 1150, "below median: " + below);
    assertEquals(Duration.ofSeconds(3), JobDurations.parse("lognormal:3s,0").sample(random));
  }

  @Test
  void customIsALambda() {
    JobDurations d = r -> Duration.ofMillis(r.nextInt(10));
    assertTrue(d.sample(random).toMillis() < 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "abc", "5s..", "..5s", "15s..5s", "-1s", "lognormal:3s",
      "lognormal:3s,x", "lognormal:0s,0.3", "lognormal:3s,-1", "5x"})
  void parseRejects(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobDurations.parse(text));
    assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
  }
}
