package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The censored fit against a known answer: EM with the prior on σ converges to the maximum of
 * the posterior, Σ ended·ln P(bin) + Σ censored·ln P(past the bin's lower edge) + Σ running·ln
 * P(past its age) − k·ln σ − k·σ₀²/(2σ²), with k = PRIOR_WEIGHT·Σw²/Σw. Here that maximum is
 * found independently by a nested golden-section search over (μ, ln σ).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogNormalFitMapTest {
  static final double[] EDGES = {0, 1, 2, 3, 4, 6, 10};

  static DurationHistogram.Bins bins(double[][] weights) {
    DurationHistogram.Bins b = new DurationHistogram.Bins(EDGES.length - 1);
    for (int i = 0; i < weights.length; i++) {
      for (double w : weights[i]) {
        b.add(i, w);
      }
    }
    return b;
  }

  // Unequal weights (a forgetting histogram's), so Σw²/Σw is not 1.
  final DurationHistogram.Bins ended = bins(new double[][] {
      {0.5}, {1, 0.5, 0.5}, {2, 1, 1, 0.5}, {1, 0.25}, {}, {}});
  final DurationHistogram.Bins running = bins(new double[][] {
      {1}, {}, {}, {0.5}, {1.5, 1}, {}});
  final double[] ages = {5.5, 0, 7};
  final double[] weights = {1.5, 1, 0.75};

  double logPosterior(double m, double s) {
    double all = ended.total() + running.total();
    double allSq = ended.totalSquares() + running.totalSquares();
    for (double w : weights) {
      all += w;
      allSq += w * w;
    }
    double k = LogNormalFit.PRIOR_WEIGHT * allSq / all;
    double l = -k * Math.log(s) - k * LogNormalFit.PRIOR_SIGMA * LogNormalFit.PRIOR_SIGMA / (2 * s * s);
    for (int i = 0; i < EDGES.length - 1; i++) {
      double za = EDGES[i] > 0 ? (Math.log(EDGES[i]) - m) / s : Double.NEGATIVE_INFINITY;
      double zb = (Math.log(EDGES[i + 1]) - m) / s;
      if (ended.w[i] > 0) {
        l += ended.w[i] * Math.log(Normal.between(za, zb));
      }
      if (running.w[i] > 0 && EDGES[i] > 0) {
        l += running.w[i] * Math.log(Normal.upper(za)); // only known to have passed the edge
      }
    }
    for (int j = 0; j < ages.length; j++) {
      if (ages[j] > 0) {
        l += weights[j] * Math.log(Normal.upper((Math.log(ages[j]) - m) / s));
      }
    }
    return l;
  }

  /** The argmax of a unimodal f over [a, b]. */
  static double goldenMax(DoubleUnaryOperator f, double a, double b) {
    double g = (Math.sqrt(5) - 1) / 2;
    double x1 = b - g * (b - a);
    double x2 = a + g * (b - a);
    double f1 = f.applyAsDouble(x1);
    double f2 = f.applyAsDouble(x2);
    for (int i = 0; i < 90; i++) {
      if (f1 < f2) {
        a = x1;
        x1 = x2;
        f1 = f2;
        x2 = a + g * (b - a);
        f2 = f.applyAsDouble(x2);
      } else {
        b = x2;
        x2 = x1;
        f2 = f1;
        x1 = b - g * (b - a);
        f1 = f.applyAsDouble(x1);
      }
    }
    return 0.5 * (a + b);
  }

  double[] maximum() {
    DoubleUnaryOperator bestLogSigma = m -> goldenMax(t -> logPosterior(m, Math.exp(t)), Math.log(0.02), Math.log(5));
    double m = goldenMax(mm -> logPosterior(mm, Math.exp(bestLogSigma.applyAsDouble(mm))), -2, 4);
    return new double[] {m, Math.exp(bestLogSigma.applyAsDouble(m))};
  }

  @Test
  void theFitIsThePosteriorMaximum() {
    double[] max = maximum();
    LogNormalFit fit = LogNormalFit.fit(ended, running, ages, weights, EDGES, Optional.empty()).orElseThrow();
    assertEquals(max[0], fit.mu(), 1e-5, "mu");
    assertEquals(max[1], fit.sigma(), 1e-5, "sigma");
    // The data moves it: without the running jobs the fit is shorter.
    LogNormalFit endedOnly = LogNormalFit.fit(ended, new DurationHistogram.Bins(EDGES.length - 1), EDGES,
        Optional.empty()).orElseThrow();
    assertEquals(true, endedOnly.mu() < fit.mu() - 0.1, endedOnly + " vs " + fit);
  }

  @Test
  void anyStartReachesTheSameMaximum() {
    LogNormalFit cold = LogNormalFit.fit(ended, running, ages, weights, EDGES, Optional.empty()).orElseThrow();
    for (LogNormalFit start : new LogNormalFit[] {new LogNormalFit(-1, 0.05), new LogNormalFit(3, 3)}) {
      LogNormalFit warm = LogNormalFit.fit(ended, running, ages, weights, EDGES, Optional.of(start)).orElseThrow();
      assertEquals(cold.mu(), warm.mu(), 1e-5, "from " + start);
      assertEquals(cold.sigma(), warm.sigma(), 1e-5, "from " + start);
    }
  }

  @Test
  void scalingEveryWeightChangesNothing() {
    // The prior counts observations (Kish), not weight: a cohort forgotten to a millionth of its
    // weight fits the same.
    LogNormalFit fit = LogNormalFit.fit(ended, running, ages, weights, EDGES, Optional.empty()).orElseThrow();
    DurationHistogram.Bins e = bins(new double[0][]);
    DurationHistogram.Bins r = bins(new double[0][]);
    for (int i = 0; i < EDGES.length - 1; i++) {
      e.w[i] = ended.w[i] * 1e-6;
      e.sq[i] = ended.sq[i] * 1e-12;
      r.w[i] = running.w[i] * 1e-6;
      r.sq[i] = running.sq[i] * 1e-12;
    }
    double[] w = weights.clone();
    for (int j = 0; j < w.length; j++) {
      w[j] *= 1e-6;
    }
    LogNormalFit scaled = LogNormalFit.fit(e, r, ages, w, EDGES, Optional.empty()).orElseThrow();
    assertEquals(fit.mu(), scaled.mu(), 1e-6);
    assertEquals(fit.sigma(), scaled.sigma(), 1e-6);
  }
}
