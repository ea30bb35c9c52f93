package io.vtstatus.internal.schedule;

import io.vtstatus.DetectedBy;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default schedule: learns the job-duration distribution from finished jobs and polls by the
 * cost-optimal plan for it. See docs/POLLING.md for the theory and the measured figures.
 *
 * <p>In order of precedence, {@link #nextDelay} returns:
 *
 * <ol>
 *   <li>the server's hint ({@code Retry-After}, else {@code eta_ms}), clamped to [min, max];
 *   <li>while webhooks arrive, a sparse safety net: the optimal plan for one poll worth
 *       {@code c / q}, where {@code q} is the share of recent jobs a poll found ended first
 *       (webhooks lost or late; at least {@value #MIN_MISS_SHARE}, {@value #PRIOR_MISS_SHARE}
 *       before evidence); before anything is learned, one poll at 5 s, then every 30 s;
 *   <li>before {@value #WARMUP} jobs have finished, a prior: geometric backoff 250 ms × 1.5^n
 *       from a jittered first poll;
 *   <li>otherwise the plan: poll times minimising {@code c·polls + detection delay} under the
 *       learned distribution (the better of the Barlow–Hunter–Proschan recursion and Keller's
 *       {@code √(2c/h)} rule discretised), stretched by a per-job factor in [1 − J, 1 + J]
 *       ({@value #JITTER}) so that jobs started together do not poll in lockstep; past the plan's
 *       end (an overdue job), {@code √(2c·elapsed)}.
 * </ol>
 *
 * Every delay is clamped to [minInterval, maxInterval] (defaults 20 ms and 60 s), except the
 * safety net's, which may be longer (up to {@link #SAFETY_NET_MAX_WAIT}).
 *
 * <p>Thread-safe and cheap: {@code nextDelay} reads an immutable plan (a binary search, no
 * locking); {@code jobFinished} is O(1) and re-plans every {@value #REPLAN_EVERY} jobs, which
 * costs a few milliseconds on one caller's thread while the others keep the previous plan.
 */
final class AdaptiveSchedule implements PollSchedule {
  /** Jobs seen finish before the learned plan replaces the prior. */
  static final int WARMUP = 20;
  /** Observations after which an old one weighs half: see DurationHistogram. */
  static final double HALF_LIFE = 100;
  /**
   * Jobs after a shift in the distribution by which the plan is back within 1.15× of the optimum
   * for the new one (measured in AdaptiveScheduleTest: the old regime then holds ~3% of the
   * weight).
   */
  static final int RECOVERY_JOBS = 500;
  /** Re-plan after this many new observations. */
  static final int REPLAN_EVERY = 8;
  /** Relative per-job stretch of the plan. */
  static final double JITTER = 0.05;

  static final Duration DEFAULT_MIN = Duration.ofMillis(20);
  static final Duration DEFAULT_MAX = Duration.ofSeconds(60);
  static final Duration PRIOR_FIRST = Duration.ofMillis(250);
  static final double PRIOR_FACTOR = 1.5;
  static final double DEFAULT_COST_SECONDS = 0.050;
  /** Before evidence, assume one webhook in twenty is lost. */
  static final double PRIOR_MISS_SHARE = 0.05;
  /** The miss share is never taken below this: webhooks are never trusted absolutely. */
  static final double MIN_MISS_SHARE = 0.01;
  /** The miss share averages over about this many recent jobs. */
  static final double MISS_WINDOW = 50;
  static final Duration SAFETY_NET_FIRST = Duration.ofSeconds(5);
  static final Duration SAFETY_NET_INTERVAL = Duration.ofSeconds(30);
  static final Duration SAFETY_NET_MAX_WAIT = Duration.ofMinutes(10);
  private static final int MAX_PLAN_POLLS = 2000;
  private static final int POLISH_SWEEPS = 20;

  private final Duration requestCost;
  private final double c;
  private final double minSeconds;
  private final double maxSeconds;
  private final double unit;
  private final DurationHistogram histogram = new DurationHistogram(HALF_LIFE);
  private final ReentrantLock planning = new ReentrantLock();
  private volatile Plan plan;
  private final Object missLock = new Object();
  /** Share of recent jobs whose end a poll found first (webhooks lost or late); a running mean. */
  private volatile double missShare = PRIOR_MISS_SHARE;

  AdaptiveSchedule(Duration requestCost) {
    this(requestCost, DEFAULT_MIN, DEFAULT_MAX);
  }

  AdaptiveSchedule(Duration requestCost, Duration minInterval, Duration maxInterval) {
    if (minInterval.isNegative() || maxInterval.compareTo(minInterval) < 0) {
      throw new IllegalArgumentException("Invalid bounds: " + minInterval + ", " + maxInterval);
    }
    this.requestCost = requestCost;
    this.c = requestCost.toNanos() / 1e9;
    this.minSeconds = minInterval.toNanos() / 1e9;
    this.maxSeconds = maxInterval.toNanos() / 1e9;
    this.unit = c / DEFAULT_COST_SECONDS;
  }

  /**
   * The prior's and the safety net's time constants are stated for the default 50 ms cost and
   * scale with {@code requestCost}: cheaper polls buy a tighter prior and net, dearer ones a
   * looser one, and a schedule for time-scaled jobs (the benchmark's) scales as a whole.
   */
  private double scaled(Duration d) {
    return seconds(d) * unit;
  }

  /** The learned plan in use, or null during warm-up. */
  static final class Plan {
    final double[] times;
    final double p99;
    final long basedOn;
    final String kind;
    /** The safety net's plan: optimal for one poll worth {@link #netCost} (c over the miss share). */
    final double[] netTimes;
    final double netCost;

    Plan(double[] times, double p99, long basedOn, String kind, double[] netTimes, double netCost) {
      this.times = times;
      this.p99 = p99;
      this.basedOn = basedOn;
      this.kind = kind;
      this.netTimes = netTimes;
      this.netCost = netCost;
    }
  }

  @Override
  public Duration nextDelay(PollContext ctx) {
    double e = ctx.elapsed().toNanos() / 1e9;
    if (ctx.serverHint().isPresent()) {
      return clamp(ctx.serverHint().get().toNanos() / 1e9);
    }
    Plan p = plan;
    double stretch = 1 + JITTER * jitter(ctx.jobId());
    if (ctx.webhooksArriving()) {
      if (p != null) {
        // A poll now pays off only for the jobs whose webhook never comes (share q), so the net
        // is the optimal plan for one poll worth c / q: sparse while webhooks are reliable,
        // tighter as they get lost.
        return next(p.netTimes, p.netCost, e, stretch, scaled(SAFETY_NET_MAX_WAIT));
      }
      // Nothing learned yet: one poll at 5 s (jittered per job, so watches started together do
      // not poll together), then a slow, steady net.
      double netAt = scaled(SAFETY_NET_FIRST) * (1 + 0.1 * jitter(ctx.jobId()));
      if (e < netAt - minSeconds) {
        return ofSeconds(Math.max(minSeconds, netAt - e));
      }
      return clamp(scaled(SAFETY_NET_INTERVAL));
    }
    if (p == null) {
      double first = scaled(PRIOR_FIRST) * (1 + 0.5 * jitter(ctx.jobId()));
      if (ctx.attempt() == 0) {
        return clamp(first);
      }
      return clamp(scaled(PRIOR_FIRST) * Math.pow(PRIOR_FACTOR, Math.min(ctx.attempt(), 60)));
    }
    return next(p.times, c, e, stretch, maxSeconds);
  }

  /** The delay to the next poll of {@code plan} after {@code e}, or its tail past the end. */
  private Duration next(double[] t, double cost, double e, double stretch, double capSeconds) {
    // The next planned poll strictly after now (with half a minimum interval of slack, so a poll
    // answered a hair before its planned instant does not trigger an immediate extra one).
    double key = (e + 0.5 * minSeconds) / stretch;
    int i = Arrays.binarySearch(t, key);
    i = i < 0 ? -i - 1 : i + 1;
    if (i < t.length) {
      return ofSeconds(Math.max(minSeconds, Math.min(capSeconds, t[i] * stretch - e)));
    }
    return clamp(Math.sqrt(2 * cost * Math.max(e, t.length == 0 ? e : t[t.length - 1])));
  }

  @Override
  public void jobFinished(Duration observedDuration, DetectedBy detectedBy) {
    if (detectedBy != null) {
      double x = detectedBy == DetectedBy.POLL ? 1 : 0;
      synchronized (missLock) {
        missShare += (x - missShare) / MISS_WINDOW;
      }
    }
    jobFinished(observedDuration);
  }

  @Override
  public void jobFinished(Duration observedDuration) {
    if (observedDuration == null || observedDuration.isNegative()) {
      return;
    }
    histogram.add(observedDuration);
    long n = histogram.count();
    Plan p = plan;
    if (n >= WARMUP && (p == null || n - p.basedOn >= REPLAN_EVERY) && planning.tryLock()) {
      try {
        replan();
      } finally {
        planning.unlock();
      }
    }
  }

  /** Rebuilds the plan from the histogram now (tests call it to skip the re-plan cadence). */
  void replan() {
    DurationHistogram.Snapshot s = histogram.snapshot();
    if (s.count() == 0) {
      return;
    }
    double[][] best = new double[1][];
    String kind = cheapest(s, c, best);
    double netCost = c / Math.max(MIN_MISS_SHARE, missShare);
    double[][] net = new double[1][];
    cheapest(s, netCost, net);
    plan = new Plan(best[0], s.quantile(0.99), s.count(), kind, net[0], netCost);
  }

  /** The cheaper of the polished BHP and Keller plans for {@code cost}; its name is returned. */
  private static String cheapest(DurationHistogram.Snapshot s, double cost, double[][] out) {
    double[] bhp = PollPlans.polish(s, PollPlans.optimalBhp(s, cost, MAX_PLAN_POLLS), cost, POLISH_SWEEPS);
    double[] keller =
        PollPlans.polish(s, PollPlans.optimalKeller(s, cost, MAX_PLAN_POLLS), cost, POLISH_SWEEPS);
    boolean useBhp = PollPlans.expectedCost(s, bhp, cost) <= PollPlans.expectedCost(s, keller, cost);
    out[0] = useBhp ? bhp : keller;
    return useBhp ? "bhp" : "keller";
  }

  /** The current share of jobs found by poll first (for tests and the benchmark). */
  double missShare() {
    return missShare;
  }

  /** The histogram this schedule learns into (for tests and the benchmark). */
  DurationHistogram histogram() {
    return histogram;
  }

  /** The current plan, or null during warm-up. */
  Plan plan() {
    return plan;
  }

  /** A deterministic value in [-1, 1] from the job id, so a job's jitter is stable. */
  static double jitter(String jobId) {
    long h = jobId.hashCode() * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    return ((h >>> 11) * 0x1.0p-53) * 2 - 1;
  }

  private Duration clamp(double s) {
    return ofSeconds(Math.max(minSeconds, Math.min(maxSeconds, s)));
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static Duration ofSeconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  @Override
  public String toString() {
    return "adaptive(requestCost=" + requestCost + ")";
  }
}
