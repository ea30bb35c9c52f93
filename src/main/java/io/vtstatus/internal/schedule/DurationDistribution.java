package io.vtstatus.internal.schedule;

/**
 * A job-duration distribution, times in seconds, as the poll planners ({@link PollPlans}) need
 * it: the client's learned model ({@link LearnedModel}), a user's sample ({@link
 * KernelEstimate}) and the benchmark's true durations all implement it. Implementations are
 * immutable and thread-safe.
 */
public interface DurationDistribution {
  /** P(T ≤ t). */
  double cdf(double t);

  /** The density of T at t (0 where T has no mass). */
  double pdf(double t);

  /** The smallest t with cdf(t) ≥ p, for p in [0, 1]. */
  double quantile(double p);

  /** E[T]. */
  double mean();

  /** P(T &gt; t). */
  default double survival(double t) {
    return 1.0 - cdf(t);
  }

  /** The hazard rate f(t) / S(t); {@link Double#POSITIVE_INFINITY} once no mass is left. */
  default double hazard(double t) {
    double s = survival(t);
    return s <= 0 ? Double.POSITIVE_INFINITY : pdf(t) / s;
  }
}
