package io.vtstatus.internal.schedule;

import java.util.Optional;

/**
 * A lognormal fitted to binned durations of which some are right-censored (jobs still running,
 * or watches that gave up): the maximum of the censored likelihood, found by EM on {@code ln T},
 * with a weak prior on σ so that a handful of observations cannot make it collapse or explode.
 *
 * <p>Why a parametric fit at all: the product-limit estimate knows nothing past the oldest job
 * seen, and early in a burst that is most of the distribution (after 10 % of 1,000 jobs have
 * ended, 90 % of the mass lies beyond every observation). {@link ProductLimit} leans on this fit
 * only where few jobs are at risk, so where data is plentiful the estimate stays nonparametric.
 *
 * <p>Immutable; {@link #fit} is a pure function.
 */
public final class LogNormalFit {
  /** The prior on σ: {@value #PRIOR_WEIGHT} pseudo-observations with spread {@value #PRIOR_SIGMA}. */
  static final double PRIOR_WEIGHT = 2;
  static final double PRIOR_SIGMA = 0.5;
  static final double MIN_SIGMA = 0.01;
  private static final int MAX_ITERATIONS = 400;
  private static final double TOLERANCE = 1e-7;

  private final double mu;
  private final double sigma;

  LogNormalFit(double mu, double sigma) {
    if (!Double.isFinite(mu) || !(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("Invalid lognormal: mu " + mu + ", sigma " + sigma);
    }
    this.mu = mu;
    this.sigma = sigma;
  }

  /** The mean of {@code ln T}. */
  public double mu() {
    return mu;
  }

  /** The standard deviation of {@code ln T}. */
  public double sigma() {
    return sigma;
  }

  /** The median, {@code e^μ}, in seconds. */
  public double median() {
    return Math.exp(mu);
  }

  /** P(T &gt; t). */
  public double survival(double t) {
    return t <= 0 ? 1 : Normal.upper((Math.log(t) - mu) / sigma);
  }

  /**
   * P(T in [a, b) | T ≥ a): the fit's hazard over one bin. 1 where the fit has no mass left,
   * so a bin beyond the fit's reach ends the distribution rather than leaving mass unplaced.
   */
  double binHazard(double a, double b) {
    double za = a <= 0 ? Double.NEGATIVE_INFINITY : (Math.log(a) - mu) / sigma;
    double zb = (Math.log(b) - mu) / sigma;
    double s = za == Double.NEGATIVE_INFINITY ? 1 : Normal.upper(za);
    if (!(s > 1e-300)) {
      return 1;
    }
    double p = za == Double.NEGATIVE_INFINITY ? Normal.cdf(zb) : Normal.between(za, zb);
    return Math.max(0, Math.min(1, p / s));
  }

  /**
   * Fits {@code ended} (jobs that ended in bin i) and {@code running} (jobs known to have run past
   * the middle of bin i) over bins {@code [edges[i], edges[i+1])}; weights need not be whole. Starts from {@code start} if given (a previous fit converges in a few steps). Empty
   * when no job has ended: censored data alone does not locate a distribution.
   */
  static Optional<LogNormalFit> fit(DurationHistogram.Bins ended, DurationHistogram.Bins running,
      double[] edges, Optional<LogNormalFit> start) {
    return fit(ended, running, new double[0], new double[0], edges, start);
  }

  /**
   * As {@link #fit(DurationHistogram.Bins, DurationHistogram.Bins, double[], Optional)}, with
   * jobs still running at exactly known ages: {@code ages[i]} seconds, weight {@code
   * weights[i]}. Censoring them at their bin's edge instead would blur the one thing they say.
   */
  static Optional<LogNormalFit> fit(DurationHistogram.Bins ended, DurationHistogram.Bins running,
      double[] ages, double[] weights, double[] edges, Optional<LogNormalFit> start) {
    double[] events = ended.w;
    double[] censored = running.w;
    int bins = events.length;
    if (censored.length != bins || edges.length != bins + 1) {
      throw new IllegalArgumentException("bins and edges disagree");
    }
    // The prior weighs as PRIOR_WEIGHT observations: in weight, that many times the weight an
    // observation carries on average (Kish), whatever scale forgetting has left the weights at.
    double allW = ended.total() + running.total();
    double allSq = ended.totalSquares() + running.totalSquares();
    double[] logAge = new double[ages.length];
    for (int i = 0; i < ages.length; i++) {
      allW += weights[i];
      allSq += weights[i] * weights[i];
      logAge[i] = ages[i] > 0 ? Math.log(ages[i]) : Double.NEGATIVE_INFINITY;
    }
    double priorWeight = allW > 0 ? PRIOR_WEIGHT * allSq / allW : PRIOR_WEIGHT;
    double[] lo = new double[bins];
    double[] hi = new double[bins];
    double[] cut = new double[bins];
    double eventWeight = 0;
    double mean = 0;
    for (int i = 0; i < bins; i++) {
      lo[i] = edges[i] > 0 ? Math.log(edges[i]) : Double.NEGATIVE_INFINITY;
      hi[i] = Math.log(edges[i + 1]);
      // A record binned as censored is known to have run past its bin's lower edge, no more.
      cut[i] = lo[i];
      eventWeight += events[i];
      mean += events[i] * (edges[i] > 0 ? cut[i] : hi[i]);
    }
    if (!(eventWeight > 0)) {
      return Optional.empty();
    }
    double m = start.map(LogNormalFit::mu).orElse(mean / eventWeight);
    double s = start.map(LogNormalFit::sigma).orElse(PRIOR_SIGMA);
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      // E-step: the expected ln T and (ln T − m)² of each bin's jobs under the current fit,
      // given what is known (in the bin, or past its cut); M-step: their weighted moments.
      double w = 0;
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < bins; i++) {
        if (events[i] > 0) {
          double[] mom = truncatedMoments(m, s, lo[i], hi[i]);
          w += events[i];
          sum += events[i] * mom[0];
          sumSq += events[i] * mom[1];
        }
        if (censored[i] > 0 && cut[i] != Double.NEGATIVE_INFINITY) {
          double[] mom = truncatedMoments(m, s, cut[i], Double.POSITIVE_INFINITY);
          w += censored[i];
          sum += censored[i] * mom[0];
          sumSq += censored[i] * mom[1];
        }
      }
      for (int i = 0; i < logAge.length; i++) {
        if (weights[i] > 0 && logAge[i] != Double.NEGATIVE_INFINITY) {
          double[] mom = truncatedMoments(m, s, logAge[i], Double.POSITIVE_INFINITY);
          w += weights[i];
          sum += weights[i] * mom[0];
          sumSq += weights[i] * mom[1];
        }
      }
      double nm = sum / w;
      // Σ w·E[(Y − nm)²] = Σ w·E[(Y − m)²] − w·(nm − m)².
      double ss = sumSq - w * (nm - m) * (nm - m);
      double ns = Math.sqrt((Math.max(0, ss) + priorWeight * PRIOR_SIGMA * PRIOR_SIGMA) / (w + priorWeight));
      ns = Math.max(MIN_SIGMA, ns);
      boolean done = Math.abs(nm - m) < TOLERANCE && Math.abs(ns - s) < TOLERANCE;
      m = nm;
      s = ns;
      if (done || !Double.isFinite(m) || !Double.isFinite(s)) {
        break;
      }
    }
    if (!Double.isFinite(m) || !Double.isFinite(s)) {
      return Optional.empty();
    }
    return Optional.of(new LogNormalFit(m, s));
  }

  /**
   * E[Y] and E[(Y − m)²] for Y ~ N(m, s²) truncated to (a, b). Far in a tail, where the normal
   * has no usable mass, the interval's own location stands in (an early EM step can be far off).
   */
  static double[] truncatedMoments(double m, double s, double a, double b) {
    double za = (a - m) / s;
    double zb = (b - m) / s;
    double z = Normal.between(za, zb);
    if (!(z > 1e-280)) {
      double y = Double.isInfinite(b) ? a : Double.isInfinite(a) ? b : 0.5 * (a + b);
      return new double[] {y, (y - m) * (y - m)};
    }
    double pa = Double.isInfinite(za) ? 0 : Normal.pdf(za);
    double pb = Double.isInfinite(zb) ? 0 : Normal.pdf(zb);
    double ta = Double.isInfinite(za) ? 0 : za * pa;
    double tb = Double.isInfinite(zb) ? 0 : zb * pb;
    double mean = (pa - pb) / z;
    double second = 1 + (ta - tb) / z;
    return new double[] {m + s * mean, s * s * Math.max(0, second)};
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "lognormal(median %.4gs, sigma %.3g)", median(), sigma);
  }
}
