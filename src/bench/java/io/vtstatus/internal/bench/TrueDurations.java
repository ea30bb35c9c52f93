package io.vtstatus.internal.bench;

import io.vtstatus.internal.schedule.DurationDistribution;
import io.vtstatus.internal.schedule.Normal;
import java.util.Arrays;
import java.util.Random;

/**
 * The benchmark's true job durations (seconds): the distribution a scenario's jobs really follow,
 * with exact cdf, pdf, quantile and mean, plus sampling; what the learned model is scored
 * against. Immutable and thread-safe; sample with a seeded {@link Random}.
 */
public interface TrueDurations extends DurationDistribution {

  /** One duration drawn with {@code rnd}. */
  default double sample(Random rnd) {
    return quantile(rnd.nextDouble());
  }

  /** A short label for tables, e.g. {@code lognormal(3s,0.3)}. */
  String name();

  /** Uniform on [a, b], 0 ≤ a &lt; b. */
  static TrueDurations uniform(double a, double b) {
    if (!(a >= 0 && b > a)) {
      throw new IllegalArgumentException("Invalid uniform: " + a + ", " + b);
    }
    return new TrueDurations() {
      @Override
      public double cdf(double t) {
        return t <= a ? 0 : t >= b ? 1 : (t - a) / (b - a);
      }

      @Override
      public double pdf(double t) {
        return t < a || t > b ? 0 : 1 / (b - a);
      }

      @Override
      public double quantile(double p) {
        return a + Math.max(0, Math.min(1, p)) * (b - a);
      }

      @Override
      public double mean() {
        return 0.5 * (a + b);
      }

      @Override
      public String name() {
        return "uniform(" + a + "s," + b + "s)";
      }
    };
  }

  /** Exponential with the given mean: constant hazard 1/mean. */
  static TrueDurations exponential(double mean) {
    if (!(mean > 0)) {
      throw new IllegalArgumentException("Invalid mean: " + mean);
    }
    return new TrueDurations() {
      @Override
      public double cdf(double t) {
        return t <= 0 ? 0 : -Math.expm1(-t / mean);
      }

      @Override
      public double pdf(double t) {
        return t < 0 ? 0 : Math.exp(-t / mean) / mean;
      }

      @Override
      public double quantile(double p) {
        return p >= 1 ? Double.POSITIVE_INFINITY : -mean * Math.log1p(-Math.max(0, p));
      }

      @Override
      public double mean() {
        return mean;
      }

      @Override
      public String name() {
        return "exponential(" + mean + "s)";
      }
    };
  }

  /** Lognormal: ln T ~ N(ln median, sigma²). */
  static TrueDurations lognormal(double median, double sigma) {
    if (!(median > 0 && sigma > 0)) {
      throw new IllegalArgumentException("Invalid lognormal: " + median + ", " + sigma);
    }
    double mu = Math.log(median);
    return new TrueDurations() {
      @Override
      public double cdf(double t) {
        return t <= 0 ? 0 : Normal.cdf((Math.log(t) - mu) / sigma);
      }

      @Override
      public double survival(double t) {
        // The upper tail directly, without 1 − cdf cancellation.
        return t <= 0 ? 1 : Normal.cdf(-(Math.log(t) - mu) / sigma);
      }

      @Override
      public double pdf(double t) {
        if (t <= 0) {
          return 0;
        }
        double z = (Math.log(t) - mu) / sigma;
        return Math.exp(-0.5 * z * z) / (t * sigma * Math.sqrt(2 * Math.PI));
      }

      @Override
      public double quantile(double p) {
        if (p <= 0) {
          return 0;
        }
        return p >= 1 ? Double.POSITIVE_INFINITY : Math.exp(mu + sigma * Normal.quantile(p));
      }

      @Override
      public double mean() {
        return median * Math.exp(0.5 * sigma * sigma);
      }

      @Override
      public String name() {
        return "lognormal(" + median + "s," + sigma + ")";
      }
    };
  }

  /** A mixture: with probability {@code weightA} from {@code a}, else from {@code b}. */
  static TrueDurations mixture(double weightA, TrueDurations a, TrueDurations b) {
    if (!(weightA >= 0 && weightA <= 1)) {
      throw new IllegalArgumentException("Invalid weight: " + weightA);
    }
    double wb = 1 - weightA;
    return new TrueDurations() {
      @Override
      public double cdf(double t) {
        return weightA * a.cdf(t) + wb * b.cdf(t);
      }

      @Override
      public double survival(double t) {
        return weightA * a.survival(t) + wb * b.survival(t);
      }

      @Override
      public double pdf(double t) {
        return weightA * a.pdf(t) + wb * b.pdf(t);
      }

      @Override
      public double quantile(double p) {
        if (p <= 0) {
          return 0;
        }
        if (p >= 1) {
          return Math.max(a.quantile(1), b.quantile(1));
        }
        // Bisection on the monotone cdf between the components' quantiles.
        double lo = Math.min(a.quantile(p), b.quantile(p));
        double hi = Math.max(a.quantile(p), b.quantile(p));
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
          double mid = 0.5 * (lo + hi);
          if (cdf(mid) < p) {
            lo = mid;
          } else {
            hi = mid;
          }
        }
        return hi;
      }

      @Override
      public double sample(Random rnd) {
        return rnd.nextDouble() < weightA ? a.sample(rnd) : b.sample(rnd);
      }

      @Override
      public double mean() {
        return weightA * a.mean() + wb * b.mean();
      }

      @Override
      public String name() {
        return "mixture(" + weight(weightA) + "×" + a.name() + "+" + weight(wb) + "×" + b.name() + ")";
      }
    };
  }

  /**
   * The empirical distribution of {@code samples}, with the cdf interpolated linearly between
   * consecutive order statistics (each gap holds 1/(n−1) of the mass, spread uniformly), so it
   * has a density the BHP recursion can use. Needs at least two distinct samples.
   */
  static TrueDurations empirical(double[] samples) {
    double[] s = samples.clone();
    Arrays.sort(s);
    if (s.length < 2 || !(s[0] >= 0) || s[s.length - 1] <= s[0]) {
      throw new IllegalArgumentException("need at least two distinct, non-negative samples");
    }
    int gaps = s.length - 1;
    double m = 0;
    for (int i = 0; i < gaps; i++) {
      m += 0.5 * (s[i] + s[i + 1]);
    }
    double mean = m / gaps;
    return new TrueDurations() {
      @Override
      public double cdf(double t) {
        if (t <= s[0]) {
          return 0;
        }
        if (t >= s[gaps]) {
          return 1;
        }
        int i = Arrays.binarySearch(s, t);
        if (i >= 0) {
          while (i + 1 <= gaps && s[i + 1] == t) {
            i++;
          }
          return i / (double) gaps;
        }
        int hi = -i - 1;
        int lo = hi - 1;
        return (lo + (t - s[lo]) / (s[hi] - s[lo])) / gaps;
      }

      @Override
      public double pdf(double t) {
        if (t < s[0] || t >= s[gaps]) {
          return 0;
        }
        int i = Arrays.binarySearch(s, t);
        int lo = i >= 0 ? i : -i - 2;
        while (lo + 1 <= gaps && s[lo + 1] == s[lo]) {
          lo++;
        }
        if (lo >= gaps) {
          return 0;
        }
        return 1.0 / (gaps * (s[lo + 1] - s[lo]));
      }

      @Override
      public double quantile(double p) {
        double q = Math.max(0, Math.min(1, p)) * gaps;
        int i = Math.min((int) Math.floor(q), gaps - 1);
        return s[i] + (q - i) * (s[i + 1] - s[i]);
      }

      @Override
      public double mean() {
        return mean;
      }

      @Override
      public String name() {
        return "empirical(n=" + s.length + ")";
      }
    };
  }

  /** A weight for a name, rounded: 1 − 0.7 is 0.30000000000000004 as a double. */
  private static String weight(double w) {
    return new java.math.BigDecimal(w).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
