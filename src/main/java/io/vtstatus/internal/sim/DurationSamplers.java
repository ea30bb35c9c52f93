package io.vtstatus.internal.sim;

import io.vtstatus.internal.util.Durations;
import io.vtstatus.simulator.JobDurations;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The simulator's built-in duration samplers (fixed, uniform, lognormal) behind {@link
 * JobDurations}'s factories; their {@code toString()} is the CLI notation.
 */
public final class DurationSamplers {
  /** Samples are capped so a long log-normal tail cannot overflow a nanosecond deadline. */
  static final Duration MAX = Duration.ofDays(30);

  private DurationSamplers() {}

  /** See {@link JobDurations#fixed}. */
  public static JobDurations fixed(Duration d) {
    return new Fixed(check("duration", d));
  }

  /** See {@link JobDurations#uniform}. */
  public static JobDurations uniform(Duration min, Duration max) {
    check("min", min);
    check("max", max);
    if (min.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "Invalid range: min " + Durations.format(min) + " > max " + Durations.format(max));
    }
    return new Uniform(min, max);
  }

  /** See {@link JobDurations#lognormal}. */
  public static JobDurations lognormal(Duration median, double sigma) {
    check("median", median);
    if (median.isZero()) {
      throw new IllegalArgumentException("Invalid median: must be positive");
    }
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("Invalid sigma: " + sigma);
    }
    return new LogNormal(median, sigma);
  }

  /** See {@link JobDurations#parse}. */
  public static JobDurations parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    if (t.toLowerCase(Locale.ROOT).startsWith("lognormal:")) {
      String[] parts = t.substring("lognormal:".length()).split(",", -1);
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "invalid delay '" + text + "' (use lognormal:MEDIAN,SIGMA, e.g. lognormal:3s,0.3)");
      }
      double sigma;
      try {
        sigma = Double.parseDouble(parts[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid sigma in '" + text + "'");
      }
      return lognormal(Durations.parse(parts[0]), sigma);
    }
    int dots = t.indexOf("..");
    if (dots >= 0) {
      return uniform(Durations.parse(t.substring(0, dots)), Durations.parse(t.substring(dots + 2)));
    }
    return fixed(Durations.parse(t));
  }

  private static Duration check(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("Invalid " + what + ": " + d);
    }
    return d;
  }

  /** The same duration for every job. */
  record Fixed(Duration d) implements JobDurations {
    @Override
    public Duration sample(RandomGenerator random) {
      return d;
    }

    @Override
    public String toString() {
      return Durations.format(d);
    }
  }

  /** Uniform over {@code [min, max]}. */
  record Uniform(Duration min, Duration max) implements JobDurations {
    @Override
    public Duration sample(RandomGenerator random) {
      long span = max.toNanos() - min.toNanos();
      return span == 0 ? min : min.plusNanos(random.nextLong(span + 1));
    }

    @Override
    public String toString() {
      return Durations.format(min) + ".." + Durations.format(max);
    }
  }

  /** {@code median * exp(sigma * N(0,1))}, capped at {@link #MAX}. */
  record LogNormal(Duration median, double sigma) implements JobDurations {
    @Override
    public Duration sample(RandomGenerator random) {
      double nanos = median.toNanos() * Math.exp(sigma * random.nextGaussian());
      return nanos >= MAX.toNanos() ? MAX : Duration.ofNanos(Math.round(nanos));
    }

    @Override
    public String toString() {
      return "lognormal:" + Durations.format(median) + "," + sigma;
    }
  }
}
