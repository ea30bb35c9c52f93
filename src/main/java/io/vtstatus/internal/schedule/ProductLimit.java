package io.vtstatus.internal.schedule;

import java.util.Optional;

/**
 * The product-limit (Kaplan–Meier) estimate of the duration distribution over fixed bins, from
 * jobs that ended and jobs still running (right-censored at the age they were last seen
 * running).
 *
 * <p>Counting only the jobs that ended biases the estimate short whenever some are still
 * running: early in a burst every finished job is a short one. The product-limit estimate
 * instead asks, bin by bin, what share of the jobs still at risk there ended there: {@code
 * S(t) = Π (1 − d_i / n_i)}, with {@code d_i} the jobs that ended in bin i and {@code n_i} those
 * known to have reached it (ended later, or still running past it). A job censored inside a bin
 * counts as at risk for half of it (the actuarial convention).
 *
 * <p>Where few jobs are at risk (past the oldest job seen, or between sparse observations) the
 * ratio rests on almost nothing, so each bin's hazard is shrunk toward a lognormal fitted to the
 * same censored data, with the weight of {@code prior} jobs: {@code q_i = (d_i + k·h_i) / (n_i +
 * k)}. With many jobs at risk the data dominates; with none, the fit carries the estimate on.
 * Stateless.
 */
public final class ProductLimit {
  /** Once less than this is left, the distribution ends: below what any plan can notice. */
  static final double TAIL_CUT = 1e-3;

  private ProductLimit() {}

  /**
   * The probability of each bin. {@code ended} and {@code running} hold the (possibly
   * fractional, forgetting-weighted) counts of jobs that ended in bin i and of jobs last seen
   * running in bin i, with their squared weights; bins are {@code [edges[i], edges[i+1])}; the last bin takes whatever
   * mass is left. Sums to 1 when any job has ended; all zeros otherwise.
   */
  static double[] probabilities(DurationHistogram.Bins endedBins, DurationHistogram.Bins running,
      double[] edges, Optional<LogNormalFit> fit, double prior) {
    double[] events = endedBins.w;
    double[] censored = running.w;
    int bins = events.length;
    double[] p = new double[bins];
    double atRisk = 0;
    double atRiskSq = 0;
    double ended = 0;
    for (int i = 0; i < bins; i++) {
      atRisk += events[i] + censored[i];
      atRiskSq += endedBins.sq[i] + running.sq[i];
      ended += events[i];
    }
    if (!(ended > 0)) {
      return p;
    }
    double k = fit.isPresent() ? prior : 0;
    double s = 1;
    for (int i = 0; i < bins && s > 0; i++) {
      double q;
      if (i == bins - 1) {
        q = 1;
      } else {
        double h = fit.isPresent() ? fit.get().binHazard(edges[i], edges[i + 1]) : 0;
        double n = atRisk - 0.5 * censored[i];
        // The prior weighs as k of the observations at risk here: k times their mean weight.
        double kw = atRisk > 0 ? k * atRiskSq / atRisk : k;
        double den = n + kw;
        q = den > 0 ? (events[i] + kw * h) / den : h;
        if (!fit.isPresent() && events[i] > 0 && atRisk - events[i] - censored[i] <= 1e-12 * ended) {
          // Without a fit nothing is known past the last job: it ends the distribution.
          q = 1;
        }
        q = Math.max(0, Math.min(1, q));
      }
      p[i] = s * q;
      s *= 1 - q;
      atRisk -= events[i] + censored[i];
      atRiskSq -= endedBins.sq[i] + running.sq[i];
      if (atRisk < 1e-12 * (ended + 1e-300)) {
        // Rounding must not leave a ghost of weight at risk past the last observation.
        atRisk = 0;
        atRiskSq = 0;
      }
      if (s < TAIL_CUT) {
        // A fitted tail reaches to the last bin (a day) with vanishing mass; plans and their
        // costs would walk all of it. What is left ends here.
        p[i] += s;
        s = 0;
      }
    }
    double total = 0;
    for (double v : p) {
      total += v;
    }
    if (total > 0) {
      for (int i = 0; i < bins; i++) {
        p[i] /= total;
      }
    }
    return p;
  }
}
