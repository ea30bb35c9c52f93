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
  void factoriesAreWhatTheNotationParsesTo() {
    assertEquals(JobDurations.fixed(Duration.ofMillis(250)), JobDurations.parse("250ms"));
    assertEquals(JobDurations.uniform(Duration.ofSeconds(5), Duration.ofSeconds(15)),
        JobDurations.parse("5s..15s"));
    assertEquals(JobDurations.lognormal(Duration.ofSeconds(3), 0.3), JobDurations.parse("lognormal:3s,0.3"));
    assertEquals("lognormal:3.00s,0.3", JobDurations.lognormal(Duration.ofSeconds(3), 0.3).toString());
    assertEquals("250.0ms", JobDurations.fixed(Duration.ofMillis(250)).toString());
  }

  @Test
  void uniformReachesBothEndsAndADegenerateRangeIsFixed() {
    JobDurations d = JobDurations.uniform(Duration.ofNanos(10), Duration.ofNanos(12));
    java.util.Set<Duration> seen = new java.util.HashSet<>();
    for (int i = 0; i < 300; i++) {
      seen.add(d.sample(random));
    }
    assertEquals(java.util.Set.of(Duration.ofNanos(10), Duration.ofNanos(11), Duration.ofNanos(12)), seen,
        "every value of [min, max], both ends included");
    assertEquals(Duration.ofSeconds(2),
        JobDurations.uniform(Duration.ofSeconds(2), Duration.ofSeconds(2)).sample(random));
  }

  @Test
  void lognormalIsCappedAt30Days() {
    JobDurations huge = JobDurations.lognormal(Duration.ofDays(29), 5);
    for (int i = 0; i < 200; i++) {
      assertTrue(huge.sample(random).compareTo(Duration.ofDays(30)) <= 0);
    }
  }

  @Test
  void factoriesRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> JobDurations.fixed(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> JobDurations.fixed(Duration.ofDays(31)));
    assertThrows(NullPointerException.class, () -> JobDurations.fixed(null));
    assertThrows(IllegalArgumentException.class,
        () -> JobDurations.uniform(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> JobDurations.uniform(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> JobDurations.lognormal(Duration.ZERO, 0.3));
    for (double sigma : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class,
          () -> JobDurations.lognormal(Duration.ofSeconds(3), sigma), "sigma " + sigma);
    }
  }

  @Test
  void aCustomDistributionDrivesTheSimulatorWithItsSeededGenerator() throws Exception {
    // The lambda records what it draws: the same seed must hand it the same numbers.
    java.util.List<java.util.List<Long>> draws = new java.util.ArrayList<>();
    for (int run = 0; run < 2; run++) {
      java.util.List<Long> mine = new java.util.ArrayList<>();
      draws.add(mine);
      JobDurations custom = r -> {
        long n = r.nextLong(1_000_000);
        mine.add(n);
        return Duration.ofHours(1).plusMillis(n % 1000);
      };
      try (SimulatorServer sim = SimulatorServer.builder().delay(custom).hints(true).seed(11).build().start()) {
        String id = sim.submit();
        sim.submit();
        java.util.Map<String, Object> o = Http.json(Http.get(sim.url("/status?job=" + id)));
        long eta = ((Number) o.get("eta_ms")).longValue();
        assertTrue(eta > 3_500_000 && eta <= 3_601_000, "the job lasts the lambda's hour: eta " + eta);
      }
    }
    assertEquals(2, draws.get(0).size(), "one draw per job");
    assertEquals(draws.get(0), draws.get(1));
  }

  @Test
  void aNegativeCustomDurationIsRefused() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().delay(r -> Duration.ofMillis(-1)).build().start()) {
      assertThrows(IllegalStateException.class, sim::submit);
      assertEquals(0, sim.jobCount());
    }
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
