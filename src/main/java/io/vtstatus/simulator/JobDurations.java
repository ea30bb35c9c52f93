package io.vtstatus.simulator;

import io.vtstatus.internal.sim.DurationSamplers;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a simulated job stays pending: the sampler the simulator draws each job's duration
 * from, once per job.
 *
 * <p>Use a factory ({@link #fixed}, {@link #uniform}, {@link #lognormal}) or {@link #parse} the
 * CLI's notation; a custom distribution is a lambda. Implementations must be thread-safe and must
 * draw every random choice from the generator they are given, so that a seeded simulator is
 * reproducible. The simulator calls {@link #sample} under its own lock, so keep it fast.
 */
@FunctionalInterface
public interface JobDurations {
  /**
   * One job's duration, drawn from {@code random}.
   *
   * @param random the simulator's generator; not thread-safe, use only during this call
   * @return a non-negative duration
   */
  Duration sample(RandomGenerator random);

  /**
   * Every job takes exactly {@code duration}.
   *
   * @param duration every job's duration, not negative
   * @return the fixed durations
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  static JobDurations fixed(Duration duration) {
    return DurationSamplers.fixed(duration);
  }

  /**
   * Durations spread uniformly over {@code [min, max]}; the original simulator used 5 s..15 s.
   *
   * @param min the shortest duration, not negative
   * @param max the longest duration, at least {@code min}
   * @return the uniform durations
   * @throws IllegalArgumentException if {@code min} is negative or greater than {@code max}
   */
  static JobDurations uniform(Duration min, Duration max) {
    return DurationSamplers.uniform(min, max);
  }

  /**
   * A log-normal distribution: half of the jobs take less than {@code median}; {@code sigma}
   * (the standard deviation of the logarithm, e.g. 0.3) sets the length of the tail.
   *
   * @param median the median duration, positive
   * @param sigma the standard deviation of the logarithm, not negative
   * @return the log-normal durations
   * @throws IllegalArgumentException if {@code median} is not positive or {@code sigma} is
   *     negative or not finite
   */
  static JobDurations lognormal(Duration median, double sigma) {
    return DurationSamplers.lognormal(median, sigma);
  }

  /**
   * Parses the CLI's notation: {@code 5s} (fixed), {@code 5s..15s} (uniform) or {@code
   * lognormal:3s,0.3} (median, sigma). Durations take a unit: {@code 250ms}, {@code 5s}, {@code
   * 2m}.
   *
   * @param text the notation, such as {@code 5s..15s}
   * @return the durations the notation names
   * @throws IllegalArgumentException with a message naming the bad text
   */
  static JobDurations parse(String text) {
    return DurationSamplers.parse(text);
  }
}
