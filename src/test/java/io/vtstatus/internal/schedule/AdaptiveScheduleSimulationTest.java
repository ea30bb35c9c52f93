package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.PollSchedule;
import io.vtstatus.internal.bench.TrueDurations;
import io.vtstatus.internal.bench.Optimum;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offline benchmark behind docs/POLLING.md's table: train the adaptive schedule on 300 jobs,
 * then poll 2000 fresh seeded jobs on a fake time axis and compare the mean cost with the
 * Barlow–Hunter–Proschan floor and the original stepped ladder (adaptive must stay within
 * 1.10× the floor). Run it with {@code mvn -B -q
 * verify -Dtest=AdaptiveScheduleSimulationTest} and read the printed lines.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdaptiveScheduleSimulationTest {
  static final double C = 0.05;

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("lognormal-tight", TrueDurations.lognormal(3, 0.3)),
        Arguments.of("lognormal-wide", TrueDurations.lognormal(3, 1.0)),
        Arguments.of("uniform-5-15", TrueDurations.uniform(5, 15)),
        Arguments.of("bimodal", TrueDurations.mixture(0.7, TrueDurations.lognormal(1, 0.3),
            TrueDurations.lognormal(8, 0.3))),
        Arguments.of("exponential-2s", TrueDurations.exponential(2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void adaptiveIsCloseToTheFloorAndFarBelowStepped(String name, TrueDurations d) {
    Sequential seq = new Sequential(Duration.ofMillis(50));
    AdaptiveSchedule schedule = seq.schedule;
    Random rnd = new Random(42);
    for (int i = 0; i < 300; i++) {
      seq.finish(d.sample(rnd));
    }
    schedule.replan();
    double adaptive = meanCost(schedule, d, new Random(7), 2000);
    double stepped = meanCost(PollSchedule.stepped(), d, new Random(7), 2000);
    double floor = Optimum.bhp(d, C).cost();
    double fixed = Optimum.bestFixed(d, C).cost();
    System.out.printf(Locale.ROOT,
        "SIM %-16s floor %.4f  fixed %.4f  adaptive %.4f (%s)  stepped %.4f  adaptive/floor %.3f  stepped/floor %.3f  adaptive/stepped %.3f%n",
        name, floor, fixed, adaptive, schedule.plan().kind, stepped, adaptive / floor, stepped / floor,
        adaptive / stepped);
    // Deterministic (seeded samples, seeded per-job jitter), so the bound can be tight.
    assertTrue(adaptive <= 1.10 * floor, name + ": adaptive " + adaptive + " vs floor " + floor);
    assertTrue(adaptive <= 0.5 * stepped, name + ": adaptive " + adaptive + " vs stepped " + stepped);
  }

  static double meanCost(PollSchedule s, TrueDurations d, Random rnd, int jobs) {
    double sum = 0;
    for (int j = 0; j < jobs; j++) {
      sum += PollSimulation.run(s, "job-" + j, d.sample(rnd)).cost(C);
    }
    return sum / jobs;
  }
}
