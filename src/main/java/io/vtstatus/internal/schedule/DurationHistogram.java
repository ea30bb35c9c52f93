package io.vtstatus.internal.schedule;

import java.time.Duration;
import java.util.Arrays;

/**
 * A bounded, forgetting, online estimate of the job-duration distribution.
 *
 * <p>Durations fall into {@value #BINS_PER_DECADE} log-spaced bins per decade from 1 ms to 24 h
 * (plus one bin for [0, 1 ms)); longer durations count in the last bin. Memory is fixed at
 * {@link #bins()} doubles however many observations arrive.
 *
 * <p>Forgetting is exponential in the number of observations: an observation's weight halves
 * after {@code halfLife} newer ones, so after a shift in the distribution the old regime holds
 * less than 5% of the weight after about 4.3 half-lives. Rather than decaying every bin on
 * every observation, each new observation weighs {@code 2^(1/halfLife)} times the previous one
 * and the array is rescaled only when weights grow large: {@link #add} is O(1).
 *
 * <p>Thread-safe: writers and {@link #snapshot()} synchronise on this object; a {@link
 * Snapshot} is immutable.
 */
public final class DurationHistogram {
  /** Bins per factor of ten in duration (each bin spans a factor of 10^(1/20) ≈ 1.122). */
  public static final int BINS_PER_DECADE = 20;

  static final double MIN_SECONDS = 1e-3;
  static final double MAX_SECONDS = 86_400;
  private static final int LOG_BINS =
      (int) Math.ceil(BINS_PER_DECADE * Math.log10(MAX_SECONDS / MIN_SECONDS));
  private static final double[] EDGES = edges();
  private static final double RESCALE_ABOVE = 1e150;

  private final double growth;
  private final double[] weights = new double[LOG_BINS + 1];
  private double nextWeight = 1.0;
  private double sumWeights;
  private double sumSquares;
  private long count;

  /** An empty histogram whose observations lose half their weight every {@code halfLife}. */
  public DurationHistogram(double halfLife) {
    if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
      throw new IllegalArgumentException("Invalid half-life: " + halfLife);
    }
    this.growth = Math.pow(2.0, 1.0 / halfLife);
  }

  private static double[] edges() {
    double[] e = new double[LOG_BINS + 2];
    e[0] = 0;
    for (int i = 1; i < e.length; i++) {
      e[i] = MIN_SECONDS * Math.pow(10.0, (i - 1) / (double) BINS_PER_DECADE);
    }
    return e;
  }

  /** The number of bins: fixed, whatever the number of observations. */
  public int bins() {
    return weights.length;
  }

  static int binOf(double seconds) {
    if (!(seconds >= MIN_SECONDS)) {
      return 0;
    }
    if (seconds >= MAX_SECONDS) {
      return LOG_BINS;
    }
    int i = 1 + (int) Math.floor(BINS_PER_DECADE * Math.log10(seconds / MIN_SECONDS));
    // Guard floating-point edge cases so the bin really contains the value.
    if (i > 1 && seconds < EDGES[i]) {
      i--;
    } else if (i < LOG_BINS && seconds >= EDGES[i + 1]) {
      i++;
    }
    return Math.min(i, LOG_BINS);
  }

  /** Records one job's duration. */
  public void add(Duration d) {
    add(d.toNanos() / 1e9);
  }

  /** Records one job's duration in seconds; negative or NaN values are ignored. */
  public synchronized void add(double seconds) {
    if (!(seconds >= 0)) {
      return;
    }
    int i = binOf(seconds);
    weights[i] += nextWeight;
    sumWeights += nextWeight;
    sumSquares += nextWeight * nextWeight;
    count++;
    nextWeight *= growth;
    if (nextWeight > RESCALE_ABOVE) {
      double k = 1.0 / nextWeight;
      for (int j = 0; j < weights.length; j++) {
        weights[j] *= k;
      }
      sumWeights *= k;
      sumSquares *= k * k;
      nextWeight = 1.0;
    }
  }

  /** How many observations were ever added (not decayed). */
  public synchronized long count() {
    return count;
  }

  /**
   * The effective number of observations after forgetting (Kish: (Σw)² / Σw²); it levels off at
   * about 2.9 half-lives.
   */
  public synchronized double effectiveCount() {
    return sumSquares > 0 ? sumWeights * sumWeights / sumSquares : 0;
  }

  /**
   * The current estimate, smoothed with a [1, 2, 1] kernel across neighbouring bins (so the
   * density, and the hazard f/S, do not jump with every sample), as an immutable model.
   */
  public Snapshot snapshot() {
    double[] w;
    long n;
    double eff;
    synchronized (this) {
      w = weights.clone();
      n = count;
      eff = effectiveCount();
    }
    double[] p = new double[w.length];
    double total = 0;
    for (int i = 0; i < w.length; i++) {
      double left = i > 0 ? w[i - 1] : w[i];
      double right = i + 1 < w.length ? w[i + 1] : w[i];
      // Bin 0 is [0, 1 ms): not a log bin, so it is not smoothed into its neighbour.
      p[i] = i <= 1 ? w[i] : 0.25 * left + 0.5 * w[i] + 0.25 * right;
      total += p[i];
    }
    if (total > 0) {
      for (int i = 0; i < p.length; i++) {
        p[i] /= total;
      }
    }
    return new Snapshot(p, n, eff);
  }

  /**
   * An immutable view of the estimate: piecewise-uniform density within each bin, so the CDF is
   * continuous and piecewise linear. Times in seconds.
   */
  public static final class Snapshot implements DurationModel {
    private final double[] prob;
    private final double[] cum;
    private final long count;
    private final double effectiveCount;
    private final double mean;

    Snapshot(double[] prob, long count, double effectiveCount) {
      this.prob = prob;
      this.count = count;
      this.effectiveCount = effectiveCount;
      this.cum = new double[prob.length + 1];
      double m = 0;
      for (int i = 0; i < prob.length; i++) {
        cum[i + 1] = cum[i] + prob[i];
        m += prob[i] * 0.5 * (EDGES[i] + EDGES[i + 1]);
      }
      this.mean = m;
    }

    /** Observations ever added. */
    public long count() {
      return count;
    }

    /** Effective observations after forgetting. */
    public double effectiveCount() {
      return effectiveCount;
    }

    /** The number of bins (the same for every snapshot). */
    public int bins() {
      return prob.length;
    }

    @Override
    public double cdf(double t) {
      if (!(t > 0)) {
        return 0;
      }
      if (t >= EDGES[prob.length]) {
        return 1;
      }
      int i = binOf(t);
      double frac = (t - EDGES[i]) / (EDGES[i + 1] - EDGES[i]);
      return Math.min(1.0, cum[i] + prob[i] * frac);
    }

    @Override
    public double pdf(double t) {
      if (!(t >= 0) || t >= EDGES[prob.length]) {
        return 0;
      }
      int i = binOf(t);
      return prob[i] / (EDGES[i + 1] - EDGES[i]);
    }

    @Override
    public double quantile(double p) {
      if (p <= 0) {
        return 0;
      }
      double target = Math.min(p, 1.0) * cum[prob.length];
      int i = Arrays.binarySearch(cum, target);
      if (i < 0) {
        i = -i - 2;
      } else {
        // Exact hit on a cumulative edge: step back over empty bins to the first edge reaching p.
        while (i > 0 && cum[i - 1] >= target) {
          i--;
        }
        return EDGES[i];
      }
      i = Math.max(0, Math.min(i, prob.length - 1));
      if (prob[i] <= 0) {
        return EDGES[i];
      }
      return EDGES[i] + (target - cum[i]) / prob[i] * (EDGES[i + 1] - EDGES[i]);
    }

    @Override
    public double mean() {
      return mean;
    }
  }
}
