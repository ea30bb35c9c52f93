package io.vtstatus.internal.bench;

import java.util.Arrays;

/** Summary statistics for the benchmark's samples. Stateless. */
public final class Stats {
  private Stats() {}

  /** The arithmetic mean; NaN for no values. */
  public static double mean(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /**
   * The {@code p}-quantile (0..1) by linear interpolation between order statistics (the usual
   * "type 7" definition: p50 of {1, 2, 3, 4} is 2.5); NaN for no values. Does not modify {@code v}.
   */
  public static double percentile(double[] v, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("Invalid percentile: " + p);
    }
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    double h = (s.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (h - lo) * (s[hi] - s[lo]);
  }

  /**
   * After how many values the mean over a sliding window of {@code window} values first falls to
   * {@code limit} or below: the smallest {@code k} with {@code mean(v[k..k+window)) <= limit}, or
   * -1 if no full window does. Used for "back within 1.15× of the floor after k jobs".
   */
  public static int recovery(double[] v, int window, double limit) {
    if (window < 1) {
      throw new IllegalArgumentException("Invalid window: " + window);
    }
    if (v.length < window) {
      return -1;
    }
    double sum = 0;
    for (int i = 0; i < window; i++) {
      sum += v[i];
    }
    for (int k = 0; ; k++) {
      if (sum / window <= limit) {
        return k;
      }
      if (k + window >= v.length) {
        return -1;
      }
      sum += v[k + window] - v[k];
    }
  }
}
