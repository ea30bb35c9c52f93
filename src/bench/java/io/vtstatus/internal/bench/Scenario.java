package io.vtstatus.internal.bench;

import java.util.List;
import java.util.Optional;

/**
 * A schedule-comparison scenario: the true job-duration distribution (unscaled seconds), and for
 * {@code shift} the distribution that replaces it halfway through the run.
 *
 * @param name the CLI name
 * @param before the distribution of every job (of the first half, for a shift)
 * @param after the distribution of the second half, if the scenario shifts
 */
public record Scenario(String name, TrueDurations before, Optional<TrueDurations> after) {

  /** The schedule scenarios, in report order. */
  public static List<Scenario> all() {
    return List.of(
        new Scenario("uniform", TrueDurations.uniform(5, 15), Optional.empty()),
        new Scenario("lognormal-tight", TrueDurations.lognormal(3, 0.3), Optional.empty()),
        new Scenario("lognormal-wide", TrueDurations.lognormal(3, 1.0), Optional.empty()),
        new Scenario("bimodal", TrueDurations.mixture(0.7, TrueDurations.lognormal(1, 0.3),
            TrueDurations.lognormal(8, 0.3)), Optional.empty()),
        new Scenario("shift", TrueDurations.lognormal(2, 0.3),
            Optional.of(TrueDurations.lognormal(10, 0.3))));
  }

  /** The scenario called {@code name}, if there is one. */
  public static Optional<Scenario> named(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** True distribution of job {@code i} of {@code n}: a shift changes at {@code n / 2}. */
  public TrueDurations at(int i, int n) {
    return after.isPresent() && i >= n / 2 ? after.get() : before;
  }

  /**
   * The distribution over the whole run: what a tuner who knew every job's duration in advance
   * would set a fixed interval for (for a shift, the even mixture of both halves).
   */
  public TrueDurations overall() {
    return after.isPresent() ? TrueDurations.mixture(0.5, before, after.get()) : before;
  }

  /** A description for tables, e.g. {@code lognormal(2.0s,0.3) → lognormal(10.0s,0.3)}. */
  public String describe() {
    return before.name() + after.map(a -> " → " + a.name()).orElse("");
  }
}
