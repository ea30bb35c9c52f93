package io.vtstatus.internal.util;

import java.time.Duration;
import java.util.Locale;

/** Parses the CLI's durations: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1.5s}. */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unitNanos;
    String num;
    if (t.endsWith("ms")) {
      unitNanos = 1_000_000L;
      num = t.substring(0, t.length() - 2);
    } else if (t.endsWith("us")) {
      unitNanos = 1_000L;
      num = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unitNanos = 1_000_000_000L;
      num = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unitNanos = 60_000_000_000L;
      num = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      unitNanos = 3_600_000_000_000L;
      num = t.substring(0, t.length() - 1);
    } else {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "' (use a unit: 250ms, 5s, 2m, 1h)");
    }
    double v;
    try {
      v = Double.parseDouble(num);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid duration '" + text + "'");
    }
    if (!(v >= 0) || Double.isInfinite(v) || v * unitNanos > 1e17) {
      throw new IllegalArgumentException("invalid duration '" + text + "'");
    }
    return Duration.ofNanos(Math.round(v * unitNanos));
  }

  /** {@code 1.5s}, {@code 250ms}, {@code 12µs}: short, for logs and tables. */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n >= 10_000_000_000L) {
      return String.format(Locale.ROOT, "%.1fs", n / 1e9);
    }
    if (n >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2fs", n / 1e9);
    }
    if (n >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.1fms", n / 1e6);
    }
    return String.format(Locale.ROOT, "%dµs", n / 1000);
  }

  /**
   * {@code d} if it is whole seconds from zero to {@code max}: a wait as {@code Prefer: wait=N}
   * names it.
   *
   * @throws IllegalArgumentException naming {@code what} and the bad value otherwise
   */
  public static Duration wholeSeconds(Duration d, String what, Duration max) {
    java.util.Objects.requireNonNull(d, what);
    if (d.isNegative() || d.compareTo(max) > 0 || d.getNano() != 0) {
      throw new IllegalArgumentException("Invalid " + what + ": " + d + " (want whole seconds, 0 to "
          + max.toSeconds() + " s)");
    }
    return d;
  }
}
