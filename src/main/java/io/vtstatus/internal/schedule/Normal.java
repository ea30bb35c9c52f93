package io.vtstatus.internal.schedule;

/**
 * The standard normal distribution: density, cdf, upper tail and quantile, to about 1e-7
 * relative accuracy. The upper tail is computed directly, so it keeps its relative accuracy far
 * out where {@code 1 − cdf} would cancel to zero. Stateless.
 */
public final class Normal {
  private static final double SQRT2 = Math.sqrt(2);
  private static final double SQRT2PI = Math.sqrt(2 * Math.PI);

  private Normal() {}

  /** φ(z). */
  public static double pdf(double z) {
    return Math.exp(-0.5 * z * z) / SQRT2PI;
  }

  /** Φ(z) = P(Z ≤ z). */
  public static double cdf(double z) {
    return 0.5 * erfc(-z / SQRT2);
  }

  /** P(Z &gt; z) = 1 − Φ(z), accurate in the upper tail. */
  public static double upper(double z) {
    return 0.5 * erfc(z / SQRT2);
  }

  /** P(a &lt; Z ≤ b) for a ≤ b, computed on the side of zero where it does not cancel. */
  public static double between(double a, double b) {
    if (!(b > a)) {
      return 0;
    }
    return a >= 0 ? upper(a) - upper(b) : cdf(b) - cdf(a);
  }

  /** Complementary error function. */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    // Numerical Recipes' Chebyshev fit: fractional error below 1.2e-7 everywhere.
    double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
    double r = t * Math.exp(-z * z + poly);
    return x >= 0 ? r : 2 - r;
  }

  /** Acklam's rational approximation, polished by one Halley step on {@link #cdf}. */
  public static double quantile(double p) {
    if (p <= 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    double[] cc = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
      double q = Math.sqrt(-2 * Math.log(p));
      x = (((((cc[0] * q + cc[1]) * q + cc[2]) * q + cc[3]) * q + cc[4]) * q + cc[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - 0.02425) {
      double q = p - 0.5;
      double r = q * q;
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
          / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      x = -(((((cc[0] * q + cc[1]) * q + cc[2]) * q + cc[3]) * q + cc[4]) * q + cc[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double e = cdf(x) - p;
    double u = e * SQRT2PI * Math.exp(x * x / 2);
    return x - u / (1 + x * u / 2);
  }
}
