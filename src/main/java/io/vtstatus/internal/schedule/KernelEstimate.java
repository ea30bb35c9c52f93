package io.vtstatus.internal.schedule;

import java.util.Arrays;

/**
 * A smooth distribution estimated from a sample of durations: a Gaussian kernel density on
 * {@code ln T} with Silverman's bandwidth, tabulated on a fine grid. What {@code vtstatus advise}
 * computes the floor for: the sample itself is a set of atoms, and the optimal plan for atoms
 * would poll exactly at them — a floor no real schedule could approach on the next jobs.
 *
 * <p>The cdf is linear in {@code ln t} between grid points and the pdf matches it, as the
 * planners need. Immutable and thread-safe.
 */
public final class KernelEstimate implements DurationDistribution {
  /** Durations below this (including 0) are taken as this: a log scale needs a floor. */
  static final double MIN_SECONDS = 1e-4;
  private static final int GRID = 2048;

  private final double[] y;
  private final double[] cdf;
  private final double mean;
  private final double bandwidth;

  private KernelEstimate(double[] y, double[] cdf, double mean, double bandwidth) {
    this.y = y;
    this.cdf = cdf;
    this.mean = mean;
    this.bandwidth = bandwidth;
  }

  /** The estimate for {@code seconds} (at least one, each finite and not negative). */
  public static KernelEstimate of(double[] seconds) {
    int n = seconds.length;
    if (n == 0) {
      throw new IllegalArgumentException("no durations");
    }
    double[] ly = new double[n];
    for (int i = 0; i < n; i++) {
      double s = seconds[i];
      if (!(s >= 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("Invalid duration: " + s);
      }
      ly[i] = Math.log(Math.max(MIN_SECONDS, s));
    }
    Arrays.sort(ly);
    double m = 0;
    for (double v : ly) {
      m += v;
    }
    m /= n;
    double var = 0;
    for (double v : ly) {
      var += (v - m) * (v - m);
    }
    double sd = n > 1 ? Math.sqrt(var / (n - 1)) : 0;
    double iqr = ly[(int) Math.floor(0.75 * (n - 1))] - ly[(int) Math.floor(0.25 * (n - 1))];
    double spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
    // Silverman's rule of thumb; a sample with no spread still gets a narrow, finite kernel.
    double h = Math.max(0.9 * spread * Math.pow(n, -0.2), 0.01);
    double lo = ly[0] - 5 * h;
    double hi = ly[n - 1] + 5 * h;
    double step = (hi - lo) / (GRID - 1);
    double[] grid = new double[GRID];
    for (int j = 0; j < GRID; j++) {
      grid[j] = lo + j * step;
    }
    // Bin the sample onto the grid (linear binning), then sum kernel cdfs: O(GRID²), whatever n.
    double[] count = new double[GRID];
    for (double v : ly) {
      double pos = (v - lo) / step;
      int k = Math.min(GRID - 2, (int) Math.floor(pos));
      double frac = pos - k;
      count[k] += 1 - frac;
      count[k + 1] += frac;
    }
    double[] f = new double[GRID];
    int reach = (int) Math.ceil(8 * h / step);
    for (int k = 0; k < GRID; k++) {
      if (count[k] == 0) {
        continue;
      }
      for (int j = 0; j < GRID; j++) {
        if (j < k - reach) {
          continue;
        }
        f[j] += count[k] * (j > k + reach ? 1 : Normal.cdf((grid[j] - grid[k]) / h));
      }
    }
    for (int j = 0; j < GRID; j++) {
      f[j] /= n;
    }
    f[0] = 0;
    f[GRID - 1] = 1;
    for (int j = 1; j < GRID; j++) {
      f[j] = Math.max(f[j], f[j - 1]);
    }
    double mean = 0;
    for (int j = 1; j < GRID; j++) {
      mean += (f[j] - f[j - 1]) * Math.exp(0.5 * (grid[j] + grid[j - 1]));
    }
    return new KernelEstimate(grid, f, mean, h);
  }

  /** The kernel's width in {@code ln T}. */
  public double bandwidth() {
    return bandwidth;
  }

  @Override
  public double cdf(double t) {
    if (!(t > 0)) {
      return 0;
    }
    double v = Math.log(t);
    if (v <= y[0]) {
      return 0;
    }
    if (v >= y[y.length - 1]) {
      return 1;
    }
    double step = y[1] - y[0];
    int j = Math.min(y.length - 2, (int) ((v - y[0]) / step));
    double frac = (v - y[j]) / step;
    return cdf[j] + frac * (cdf[j + 1] - cdf[j]);
  }

  @Override
  public double pdf(double t) {
    if (!(t > 0)) {
      return 0;
    }
    double v = Math.log(t);
    if (v < y[0] || v >= y[y.length - 1]) {
      return 0;
    }
    double step = y[1] - y[0];
    int j = Math.min(y.length - 2, (int) ((v - y[0]) / step));
    return (cdf[j + 1] - cdf[j]) / step / t;
  }

  @Override
  public double quantile(double p) {
    if (p <= 0) {
      return Math.exp(y[0]);
    }
    if (p >= 1) {
      return Math.exp(y[y.length - 1]);
    }
    int j = Arrays.binarySearch(cdf, p);
    if (j >= 0) {
      // Step back over flat stretches to the first point reaching p.
      while (j > 0 && cdf[j - 1] >= p) {
        j--;
      }
      return Math.exp(y[j]);
    }
    j = -j - 2;
    double frac = (p - cdf[j]) / (cdf[j + 1] - cdf[j]);
    return Math.exp(y[j] + frac * (y[j + 1] - y[j]));
  }

  @Override
  public double mean() {
    return mean;
  }
}
