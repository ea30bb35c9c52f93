package io.vtstatus.internal.cli;

import io.vtstatus.JobStatus;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import io.vtstatus.internal.schedule.KernelEstimate;
import io.vtstatus.internal.schedule.PollPlans;
import io.vtstatus.internal.schedule.Schedules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * What {@code vtstatus advise} computes: for a sample of job durations and the worth of one poll,
 * the Barlow–Hunter–Proschan floor, the best fixed interval, and what the built-in schedules and
 * the user's own would cost, each replayed over the same sample on a fake time axis (zero request
 * latency; a job is seen done by its first poll at or after its end).
 *
 * <p>The floor and the best fixed interval are planned on a smooth estimate of the sample
 * ({@link KernelEstimate}) — planned on the sample itself they would poll exactly when its jobs
 * end — and then replayed like every other row, so all rows are costs of real schedules on the
 * same jobs.
 */
final class Advice {
  /** Polls of one job stop here: a schedule this dense is answered, not simulated forever. */
  static final int MAX_POLLS_PER_JOB = 1_000_000;
  /** The poll instants drawn per schedule on the chart. */
  static final int MAX_MARKS = 400;

  /** One schedule's figures over the sample; costs and delays in seconds. */
  record Row(String name, String config, double cost, double ratio, double pollsPerJob,
      double meanDelay, double p50Delay, double[] marks) {}

  final double[] durations;
  final double requestCost;
  final KernelEstimate model;
  final double[] floorPlan;
  final double floorExpected;
  final double fixedInterval;
  final List<Row> rows;

  private Advice(double[] durations, double requestCost, KernelEstimate model, double[] floorPlan,
      double floorExpected, double fixedInterval, List<Row> rows) {
    this.durations = durations;
    this.requestCost = requestCost;
    this.model = model;
    this.floorPlan = floorPlan;
    this.floorExpected = floorExpected;
    this.fixedInterval = fixedInterval;
    this.rows = rows;
  }

  Row floor() {
    return rows.get(0);
  }

  Row bestFixed() {
    return rows.get(1);
  }

  /** Rows after the floor and the best fixed interval: stepped, exponential, adaptive, current. */
  List<Row> schedules() {
    return rows.subList(2, rows.size());
  }

  /**
   * Computes the advice for {@code seconds} (in the order observed) when one poll is worth
   * {@code cost}; {@code current} is the user's schedule spec, if given.
   */
  static Advice compute(double[] seconds, Duration cost, Optional<String> current)
      throws Args.UsageException {
    double c = cost.toNanos() / 1e9;
    KernelEstimate model = KernelEstimate.of(seconds);
    double[] plan = PollPlans.floor(model, c);
    double[] fixed = PollPlans.bestFixed(model, c);
    double horizon = chartEnd(seconds);

    List<PollSchedule> schedules = new ArrayList<>();
    List<String[]> names = new ArrayList<>();
    schedules.add(plan(plan));
    names.add(new String[] {"floor", "Barlow-Hunter-Proschan optimum, " + plan.length + " planned polls"});
    schedules.add(Schedules.fixed(ofSeconds(fixed[0])));
    names.add(new String[] {"best fixed", "every " + seconds(fixed[0])});
    schedules.add(PollSchedule.stepped());
    names.add(new String[] {"stepped", "4,4,4,4,4,4,2,2,1,1 s, then 1 s"});
    schedules.add(seededExponential(Duration.ofSeconds(5), 1.5, Duration.ofSeconds(45), 1));
    names.add(new String[] {"exponential", "5s x1.5 up to 45s, full jitter"});
    // Learned in a shuffled order: files are often sorted, and sorted durations would look
    // like a shift to ever longer jobs. Seeded, so the advice is reproducible.
    double[] shuffled = shuffled(seconds);
    schedules.add(Schedules.adaptiveLearnedFrom(cost, shuffled));
    names.add(new String[] {"adaptive", "request cost " + seconds(c) + ", learned from these jobs"});
    if (current.isPresent()) {
      String spec = current.get();
      schedules.add(ScheduleSpec.isAdaptive(spec)
          ? Schedules.adaptiveLearnedFrom(adaptiveCost(spec), shuffled)
          : ScheduleSpec.parse(spec));
      names.add(new String[] {"current", spec});
    }

    List<Row> rows = new ArrayList<>();
    double floorCost = Double.NaN;
    for (int k = 0; k < schedules.size(); k++) {
      PollSchedule s = schedules.get(k);
      double[] polls = new double[seconds.length];
      double[] delay = new double[seconds.length];
      double sumCost = 0;
      double sumPolls = 0;
      double sumDelay = 0;
      for (int i = 0; i < seconds.length; i++) {
        double[] r = replay(s, "job-" + i, seconds[i]);
        polls[i] = r[0];
        delay[i] = r[1];
        sumPolls += r[0];
        sumDelay += r[1];
        sumCost += c * r[0] + r[1];
      }
      int n = seconds.length;
      double meanCost = sumCost / n;
      if (k == 0) {
        floorCost = meanCost;
      }
      double[] sorted = delay.clone();
      Arrays.sort(sorted);
      rows.add(new Row(names.get(k)[0], names.get(k)[1], meanCost, meanCost / floorCost,
          sumPolls / n, sumDelay / n, sorted[n / 2], marks(s, horizon)));
    }
    return new Advice(seconds, c, model, plan, PollPlans.expectedCost(model, plan, c), fixed[0], rows);
  }

  private static double[] shuffled(double[] seconds) {
    double[] s = seconds.clone();
    Random rnd = new Random(42);
    for (int i = s.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      double t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
    return s;
  }

  /** Where the chart's time axis ends: a little past nearly every job. */
  static double chartEnd(double[] seconds) {
    double[] s = seconds.clone();
    Arrays.sort(s);
    double q = s[Math.min(s.length - 1, (int) Math.floor(0.995 * (s.length - 1)))];
    return Math.max(q * 1.15, 1e-3);
  }

  private static Duration adaptiveCost(String spec) throws Args.UsageException {
    String s = spec.trim();
    if (s.equals("adaptive")) {
      return Schedules.DEFAULT_REQUEST_COST;
    }
    try {
      Duration d = io.vtstatus.internal.util.Durations.parse(s.substring(9));
      if (d.isZero()) {
        throw new Args.UsageException("--current " + spec + ": the request cost must be positive");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--current " + spec + ": " + e.getMessage());
    }
  }

  /** A plan as a schedule: the next planned time, then the last gap again. */
  static PollSchedule plan(double[] times) {
    double gap = times.length > 1 ? times[times.length - 1] - times[times.length - 2] : times[0];
    double tail = Math.max(gap, Math.max(1e-3 * times[times.length - 1], 1e-6));
    return ctx -> {
      double e = ctx.elapsed().toNanos() / 1e9;
      // A microsecond of slack: the elapsed time comes back rounded to whole nanoseconds, and a
      // poll a hair before its planned instant must not be followed by a second one.
      int i = Arrays.binarySearch(times, e + 1e-6);
      i = i < 0 ? -i - 1 : i + 1;
      double next = i < times.length ? times[i]
          : times[times.length - 1] + tail * Math.ceil((e + 1e-6 - times[times.length - 1]) / tail);
      return ofSeconds(Math.max(1e-9, next - e));
    };
  }

  /** {@link PollSchedule#exponential} with its jitter drawn from a seeded generator: reproducible. */
  private static PollSchedule seededExponential(Duration initial, double factor, Duration max, long seed) {
    Random rnd = new Random(seed);
    PollSchedule s = Schedules.exponential(initial, factor, max, () -> {
      synchronized (rnd) {
        return rnd.nextDouble();
      }
    });
    // At least a nanosecond: a replayed poll never lands at the instant of the one before.
    return ctx -> {
      Duration d = s.nextDelay(ctx);
      return d.isZero() ? Duration.ofNanos(1) : d;
    };
  }

  private static PollContext ctx(String id, int attempt, double elapsed) {
    return new PollContext(id, attempt, attempt, ofSeconds(elapsed), JobStatus.PENDING, Optional.empty(),
        Optional.empty(), OptionalInt.empty(), false);
  }

  /** Polls one job of {@code duration}: {polls, detection delay}. */
  static double[] replay(PollSchedule s, String id, double duration) {
    double now = 0;
    int polls = 0;
    try {
      while (polls < MAX_POLLS_PER_JOB) {
        Duration d = s.nextDelay(ctx(id, polls, now));
        now += Math.max(0, d.toNanos()) / 1e9;
        polls++;
        if (now >= duration) {
          break;
        }
      }
    } finally {
      s.watchEnded(new PollContext(id, polls, polls, ofSeconds(now), JobStatus.COMPLETED, Optional.empty(),
          Optional.empty(), OptionalInt.empty(), false));
    }
    return new double[] {polls, Math.max(0, now - duration)};
  }

  /** The poll instants of a job that has not ended by {@code horizon}. */
  static double[] marks(PollSchedule s, double horizon) {
    double[] m = new double[MAX_MARKS];
    int n = 0;
    double now = 0;
    String id = "chart";
    while (n < MAX_MARKS) {
      now += Math.max(0, s.nextDelay(ctx(id, n, now)).toNanos()) / 1e9;
      if (now > horizon) {
        break;
      }
      m[n++] = now;
    }
    // Said ended, not given up: the chart's job must not become a learned record.
    s.watchEnded(new PollContext(id, n, n, ofSeconds(now), JobStatus.COMPLETED, Optional.empty(),
        Optional.empty(), OptionalInt.empty(), false));
    return Arrays.copyOf(m, n);
  }

  static Duration ofSeconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** {@code 1.25s}, {@code 560ms}: short, for tables and the chart. */
  static String seconds(double s) {
    if (s >= 100) {
      return String.format(Locale.ROOT, "%.0fs", s);
    }
    if (s >= 1) {
      return String.format(Locale.ROOT, "%.3gs", s);
    }
    if (s >= 1e-3) {
      return String.format(Locale.ROOT, "%.3gms", s * 1e3);
    }
    return String.format(Locale.ROOT, "%.3gµs", s * 1e6);
  }
}
