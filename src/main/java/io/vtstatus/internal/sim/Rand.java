package io.vtstatus.internal.sim;

import io.vtstatus.simulator.JobDurations;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The simulator's one source of randomness. One seeded generator behind one lock, so a seed
 * reproduces every choice (given the same order of events), and ids come from it too.
 */
final class Rand {
  private final SplittableRandom random;

  Rand(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** True with probability {@code p}; draws nothing when the answer is certain. */
  synchronized boolean chance(double p) {
    if (p <= 0) {
      return false;
    }
    if (p >= 1) {
      return true;
    }
    return random.nextDouble() < p;
  }

  synchronized Duration sample(JobDurations d) {
    Duration v = d.sample(random);
    if (v == null || v.isNegative()) {
      throw new IllegalStateException("JobDurations returned " + v);
    }
    return v.compareTo(DurationSamplers.MAX) > 0 ? DurationSamplers.MAX : v;
  }

  synchronized Duration between(Duration min, Duration max) {
    long span = max.toNanos() - min.toNanos();
    return span <= 0 ? min : min.plusNanos(random.nextLong(span + 1));
  }

  /** {@code prefix} followed by 16 hex digits: unique enough for a simulator, reproducible. */
  synchronized String id(String prefix) {
    return prefix + String.format(Locale.ROOT, "%016x", random.nextLong());
  }
}
