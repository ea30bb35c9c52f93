package io.vtstatus.internal.schedule;

import io.vtstatus.DetectedBy;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

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
 *       before evidence); before anything is learned, one poll at 5 s (none if the job was
 *       polled already: the client's first look), then every 30 s;
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
 * <p>The distribution is the product-limit estimate over the jobs that ended and the jobs still
 * running (each counted as running at least the age at which {@code nextDelay} last saw it),
 * leaning on a censored lognormal fit where few jobs are at risk: see {@link ProductLimit}.
 * Durations that stop fitting it make a {@link ShiftDetector} cut the memory short. With a state
 * file, what was learned survives the process: see {@link StateFile}.
 *
 * <p>Thread-safe and cheap: {@code nextDelay} reads an immutable plan (a binary search, no
 * locking) and notes the job's age (a map put); {@code jobFinished} is O(1) and re-plans every
 * {@value #REPLAN_EVERY} jobs, which costs a few milliseconds on one caller's thread while the
 * others keep the previous plan.
 */
final class AdaptiveSchedule implements LearningSchedule {
  /**
   * Jobs seen finish before the learned plan replaces the prior. Ten suffice: offline, a plan
   * learned from 10 jobs cost 1.06–1.22× the floor on the five scenarios of docs/POLLING.md,
   * the prior 1.5–4.7× (the censored lognormal fit steadies a plan made from so few).
   */
  static final int WARMUP = 10;
  /** Effective jobs the learned distribution must rest on before new ones are judged for a shift. */
  static final int JUDGE_AFTER = 20;
  /** Running jobs that must all have been seen past an age before the prior skips to it. */
  static final int FRONTIER_EVIDENCE = 20;
  static final long FRONTIER_EVERY_NANOS = 10_000_000L;
  /** Observations after which an old one weighs half: see DurationHistogram. */
  static final double HALF_LIFE = 100;
  /**
   * Jobs after a shift in the distribution by which the plan is back within 1.15× of the optimum
   * for the new one (asserted in AdaptiveScheduleTest: the shift detector fires after three
   * durations out of place, and the plan is rebuilt from the new regime's).
   */
  static final int RECOVERY_JOBS = 20;
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
  /** The share of the old regime's weight kept when the durations shift. */
  static final double FORGET_ON_SHIFT = 0.001;

  private final Duration requestCost;
  private final double c;
  private final double minSeconds;
  private final double maxSeconds;
  private final double unit;
  private final DurationHistogram histogram = new DurationHistogram(HALF_LIFE);
  private final RunningJobs running;
  private final LongSupplier nanoTime;
  private final ShiftDetector detector = new ShiftDetector();
  private final EndCounter ends = new EndCounter();
  private volatile LearnedPlan plan;
  /** The survival frontier of the prior phase and when it was computed: {age, nanoTime}. */
  private volatile double[] frontier;
  /** The shortest duration seen end (seconds), infinite before any. */
  private volatile double shortestEnded = Double.POSITIVE_INFINITY;
  private final ReplanBudget replans;
  private final Object missLock = new Object();
  /** Share of recent jobs whose end a poll found first (webhooks lost or late); a running mean. */
  private volatile double missShare = PRIOR_MISS_SHARE;
  private final Optional<StateFile> stateFile;
  private final Autosave autosave;
  private final AtomicLong shifts = new AtomicLong();

  AdaptiveSchedule(Duration requestCost) {
    this(requestCost, DEFAULT_MIN, DEFAULT_MAX);
  }

  AdaptiveSchedule(Duration requestCost, Duration minInterval, Duration maxInterval) {
    this(requestCost, minInterval, maxInterval, System::nanoTime, Optional.empty());
  }

  /**
   * @param nanoTime the clock that ages the running jobs' records (a fake one in tests)
   * @param stateFile where learned state is loaded from now and saved to as it learns
   */
  AdaptiveSchedule(Duration requestCost, Duration minInterval, Duration maxInterval,
      LongSupplier nanoTime, Optional<StateFile> stateFile) {
    if (minInterval.isNegative() || maxInterval.compareTo(minInterval) < 0) {
      throw new IllegalArgumentException("Invalid bounds: " + minInterval + ", " + maxInterval);
    }
    this.requestCost = requestCost;
    this.c = requestCost.toNanos() / 1e9;
    this.minSeconds = minInterval.toNanos() / 1e9;
    this.maxSeconds = maxInterval.toNanos() / 1e9;
    this.unit = c / DEFAULT_COST_SECONDS;
    this.nanoTime = nanoTime;
    this.running = new RunningJobs(nanoTime);
    this.stateFile = stateFile;
    this.autosave = new Autosave(stateFile, nanoTime);
    this.replans = new ReplanBudget(nanoTime);
    this.stateFile.flatMap(f -> f.load(histogram.bins())).ifPresent(loaded -> {
      histogram.restore(loaded.durations());
      missShare = loaded.missShare();
      if (histogram.count() >= WARMUP) {
        replan();
      }
    });
  }

  /**
   * The prior's and the safety net's time constants are stated for the default 50 ms cost and
   * scale with {@code requestCost}: cheaper polls buy a tighter prior and net, dearer ones a
   * looser one, and a schedule for time-scaled jobs (the benchmark's) scales as a whole.
   */
  private double scaled(Duration d) {
    return seconds(d) * unit;
  }

  @Override
  public Duration nextDelay(PollContext ctx) {
    Duration d = delay(ctx);
    // Asked again, the job is still running at this age: the product-limit estimate counts it.
    running.seen(ctx.jobId(), seconds(ctx.elapsed()), d.toNanos());
    replanIfDue();
    return d;
  }

  private Duration delay(PollContext ctx) {
    double e = ctx.elapsed().toNanos() / 1e9;
    if (ctx.serverHint().isPresent()) {
      return clamp(ctx.serverHint().get().toNanos() / 1e9);
    }
    LearnedPlan p = plan;
    double stretch = 1 + JITTER * jitter(ctx.jobId());
    if (ctx.webhooksArriving()) {
      if (p != null) {
        // A poll now pays off only for the jobs whose webhook never comes (share q), so the net
        // is the optimal plan for one poll worth c / q: sparse while webhooks are reliable,
        // tighter as they get lost.
        return next(p.netTimes, p.netCost, e, stretch, scaled(SAFETY_NET_MAX_WAIT));
      }
      // Nothing learned yet: one poll at 5 s (jittered per job, so watches started together do
      // not poll together), then a slow, steady net. A job polled already (the client looks at a
      // job it did not create within a second) has had its one early poll.
      double netAt = scaled(SAFETY_NET_FIRST) * (1 + 0.1 * jitter(ctx.jobId()));
      if (ctx.polls() == 0 && e < netAt - minSeconds) {
        return ofSeconds(Math.max(minSeconds, netAt - e));
      }
      return clamp(scaled(SAFETY_NET_INTERVAL));
    }
    if (p == null) {
      double d = ctx.polls() == 0 ? scaled(PRIOR_FIRST) * (1 + 0.5 * jitter(ctx.jobId()))
          : scaled(PRIOR_FIRST) * Math.pow(PRIOR_FACTOR, Math.min(ctx.polls(), 60));
      // Other jobs of this client already seen running past this age, none having ended sooner:
      // a poll before it would almost surely find this one running too.
      double frontier = survivalFrontier();
      if (e + d < frontier) {
        d = (frontier - e) * (1 - 0.05 * (1 + jitter(ctx.jobId())) / 2);
      }
      return clamp(d);
    }
    return next(p.times, c, e, stretch, maxSeconds);
  }

  /**
   * While nothing is learned: the age that {@value #FRONTIER_EVIDENCE} running jobs have all been
   * seen to reach, capped by the shortest job seen end (0 if fewer are running). If twenty jobs
   * all ran that long, a new one ends sooner with a chance of a few per cent (the rule of
   * three): the prior's early polls are skipped up to there. Recomputed at most every {@link
   * #FRONTIER_EVERY_NANOS} (it scans the running jobs).
   */
  private double survivalFrontier() {
    long now = nanoTime.getAsLong();
    double[] cached = frontier;
    if (cached != null && now - (long) cached[1] < FRONTIER_EVERY_NANOS) {
      return cached[0];
    }
    double[] ages = running.ages();
    double f = 0;
    if (ages.length >= FRONTIER_EVIDENCE) {
      Arrays.sort(ages);
      f = Math.min(ages[ages.length - FRONTIER_EVIDENCE], shortestEnded);
    }
    frontier = new double[] {f, now};
    return f;
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
    double x = seconds(observedDuration);
    if (x < shortestEnded) {
      shortestEnded = x;
    }
    LearnedPlan p = plan;
    // Judge the new duration only against a distribution learned from enough jobs (right after
    // a shift the model rests on a handful, and every next one would look out of place), and
    // only while few jobs run at once: in a burst the jobs end shortest first, so its first ends
    // are the lower tail, together, and its last the upper tail; either would look like a shift.
    long during = endsDuring(x);
    double u = Double.NaN;
    if (p != null && p.model.effectiveCount() >= JUDGE_AFTER) {
      double few = p.model.effectiveCount() / 4;
      if (running.size() <= few && during <= few) {
        u = p.model.cdf(x);
      }
    }
    boolean shifted;
    synchronized (detector) {
      double[] since = detector.observe(x, u);
      shifted = since != null;
      if (shifted) {
        // The durations no longer fit: keep a trace of the old regime, learn the new one's
        // durations seen so far at full weight, and re-plan now rather than in a few jobs.
        histogram.restart(FORGET_ON_SHIFT, Arrays.copyOf(since, since.length - 1));
        histogram.add(x);
        shifts.incrementAndGet();
      } else {
        histogram.add(x, during);
      }
      ends.ended(nanoTime.getAsLong());
    }
    long n = histogram.count();
    if (n >= WARMUP && (p == null || n - p.basedOn >= REPLAN_EVERY || shifted)) {
      replans.due();
    }
    replanIfDue();
    saveSoon();
  }

  /** Re-plans if one is due and the planning budget allows: see {@link ReplanBudget}. */
  private void replanIfDue() {
    replans.runIfDue(this::replan);
  }

  @Override
  public void watchEnded(PollContext last) {
    if (last == null) {
      return;
    }
    running.ended(last.jobId());
    if (!last.lastStatus().isTerminal()) {
      // The watch gave up first: the job ran at least this long, for good.
      double age = seconds(last.elapsed());
      histogram.addCensored(age, endsDuring(age));
      saveSoon();
    }
  }

  @Override
  public void watchEndedUnknown(PollContext last) {
    if (last != null) {
      running.ended(last.jobId());
    }
  }

  /** Saves what was learned, if there is a file and the last save is old enough. */
  private void saveSoon() {
    autosave.soon(() -> new StateFile.Contents(histogram.state(), missShare));
  }

  /** How many jobs ended while one that ran {@code seconds} until now was running. */
  private long endsDuring(double seconds) {
    return ends.endsSince(nanoTime.getAsLong() - (long) (seconds * 1e9));
  }

  /** The estimate from what was learned and the jobs running now. */
  private LearnedModel estimate(Optional<LogNormalFit> start) {
    RunningJobs.Seen r = running.seen();
    double[] w = new double[r.starts().length];
    for (int i = 0; i < w.length; i++) {
      w[i] = histogram.age(ends.endsSince(r.starts()[i]));
    }
    return histogram.snapshot(r.ages(), w, start);
  }

  /** Rebuilds the plan from what was learned now (tests call it to skip the re-plan cadence). */
  void replan() {
    LearnedPlan before = plan;
    LearnedModel s = estimate(before == null ? Optional.empty() : before.model.fit());
    if (s.count() > 0) {
      plan = LearnedPlan.make(s, c, c / Math.max(MIN_MISS_SHARE, missShare));
    }
  }

  /** The distribution as estimated now, counting the jobs still running (tests). */
  LearnedModel model() {
    LearnedPlan p = plan;
    return estimate(p == null ? Optional.empty() : p.model.fit());
  }

  /** The jobs counted as running now (tests). */
  RunningJobs running() {
    return running;
  }

  /** How many times the durations were seen to shift. */
  long shifts() {
    return shifts.get();
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
  LearnedPlan plan() {
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
