package io.vtstatus.internal.schedule;

/**
 * The plans an {@link AdaptiveSchedule} polls by once it has learned a {@link LearnedModel}: the
 * plan for one poll worth {@code c} and the safety net's, for one poll worth {@code c} over the
 * miss share; each the cheaper of the polished BHP and Keller plans. Immutable.
 */
final class LearnedPlan {
  private static final int MAX_PLAN_POLLS = 2000;
  private static final int POLISH_SWEEPS = 20;

  /** Poll times (seconds after the start, ascending) for one poll worth c. */
  final double[] times;
  /** How many jobs had ended when it was made. */
  final long basedOn;
  /** Which planner won: {@code "bhp"} or {@code "keller"}. */
  final String kind;
  /** The safety net's plan: optimal for one poll worth {@link #netCost} (c over the miss share). */
  final double[] netTimes;
  final double netCost;
  /** The distribution both plans were made for. */
  final LearnedModel model;

  private LearnedPlan(double[] times, long basedOn, String kind, double[] netTimes,
      double netCost, LearnedModel model) {
    this.times = times;
    this.basedOn = basedOn;
    this.kind = kind;
    this.netTimes = netTimes;
    this.netCost = netCost;
    this.model = model;
  }

  /** Plans for {@code model}: one poll worth {@code cost}, and the net's worth {@code netCost}. */
  static LearnedPlan make(LearnedModel model, double cost, double netCost) {
    Cheapest best = cheapest(model, cost);
    return new LearnedPlan(best.times, model.count(), best.kind, cheapest(model, netCost).times,
        netCost, model);
  }

  private record Cheapest(double[] times, String kind) {}

  /** The cheaper of the polished BHP and Keller plans for {@code cost}. */
  private static Cheapest cheapest(LearnedModel s, double cost) {
    double[] bhp =
        PollPlans.polish(s, PollPlans.optimalBhp(s, cost, MAX_PLAN_POLLS), cost, POLISH_SWEEPS);
    double[] keller =
        PollPlans.polish(s, PollPlans.optimalKeller(s, cost, MAX_PLAN_POLLS), cost, POLISH_SWEEPS);
    return PollPlans.expectedCost(s, bhp, cost) <= PollPlans.expectedCost(s, keller, cost)
        ? new Cheapest(bhp, "bhp")
        : new Cheapest(keller, "keller");
  }
}
