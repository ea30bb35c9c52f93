package io.vtstatus.internal.schedule;

import java.util.Arrays;
import java.util.Optional;

/**
 * The duration model the client has learned: an immutable snapshot of a {@link
 * DurationHistogram}'s estimate, what {@link AdaptiveSchedule} plans against. Piecewise-uniform
 * density within each of the histogram's bins, so the CDF is continuous and piecewise linear.
 * Times in seconds.
 */
public final class LearnedModel implements DurationDistribution {
  private static final double[] EDGES = DurationHistogram.EDGES;

  private final double[] prob;
  private final double[] cum;
  private final long count;
  private final double effectiveCount;
  private final double mean;
  private final Optional<LogNormalFit> fit;

  LearnedModel(double[] prob, long count, double effectiveCount, Optional<LogNormalFit> fit) {
    this.prob = prob;
    this.fit = fit;
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

  /** The lognormal the estimate leans on where few jobs are at risk, if any job has ended. */
  public Optional<LogNormalFit> fit() {
    return fit;
  }

  /** The probability of each bin (a copy). */
  public double[] probabilities() {
    return prob.clone();
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
    int i = DurationHistogram.binOf(t);
    double frac = (t - EDGES[i]) / (EDGES[i + 1] - EDGES[i]);
    return Math.min(1.0, cum[i] + prob[i] * frac);
  }

  @Override
  public double pdf(double t) {
    if (!(t >= 0) || t >= EDGES[prob.length]) {
      return 0;
    }
    int i = DurationHistogram.binOf(t);
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
