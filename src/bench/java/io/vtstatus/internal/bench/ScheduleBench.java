package io.vtstatus.internal.bench;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.PollSchedule;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.schedule.Schedules;
import io.vtstatus.simulator.SimulatorServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The schedule comparison: one simulator and one client per schedule in this JVM, all watching the
 * same jobs (same seeded durations, same Poisson arrivals), so every schedule sees exactly the
 * same stream. Durations are scaled by {@link Settings#scale()} to fit the time budget and the
 * request cost with them; delays and costs are reported back in unscaled seconds (the ratio of
 * two costs does not depend on the time unit).
 */
public final class ScheduleBench {
  /** The schedules compared, in report order. */
  public static final List<String> SCHEDULES = List.of("fixed", "stepped", "exponential", "adaptive");
  /** Limit for "back near the floor" after a shift. */
  public static final double RECOVERY_LIMIT = 1.15;

  private ScheduleBench() {}

  /**
   * Whether clients listen for webhooks and what fraction of the simulator's webhook attempts
   * it drops.
   */
  public record Webhooks(boolean on, double drop) {
    public static final Webhooks OFF = new Webhooks(false, 0);

    /** Parses {@code on}, {@code off} or {@code drop:F} (0 ≤ F ≤ 1). */
    public static Webhooks parse(String s) {
      switch (s) {
        case "on":
          return new Webhooks(true, 0);
        case "off":
          return OFF;
        default:
          if (s.startsWith("drop:")) {
            try {
              double f = Double.parseDouble(s.substring(5));
              if (f >= 0 && f <= 1) {
                return new Webhooks(true, f);
              }
            } catch (NumberFormatException e) {
              // reported below
            }
          }
          throw new IllegalArgumentException("want on, off or drop:F with 0 ≤ F ≤ 1, not '" + s + "'");
      }
    }

    public String label() {
      return !on ? "off" : drop == 0 ? "on" : "drop:" + drop;
    }
  }

  /**
   * How a run is sized.
   *
   * @param jobs jobs per run (a shift runs this many before and as many after the shift)
   * @param scale factor applied to every duration and to the request cost
   * @param requestCost c, unscaled seconds
   * @param concurrency mean number of jobs running at once (sets the Poisson arrival rate)
   * @param warmup fraction of the run's first jobs left out of the "after warm-up" figures
   * @param recoveryWindow jobs per sliding window when measuring recovery after a shift
   * @param seed seeds durations and arrivals
   * @param webhooks webhook mode
   */
  public record Settings(int jobs, double scale, double requestCost, int concurrency, double warmup,
      int recoveryWindow, long seed, Webhooks webhooks) {}

  /**
   * One schedule's figures; delays and cost in unscaled seconds, measured on the jobs after
   * warm-up unless named {@code warmup…}.
   */
  public record Row(String schedule, String config, int jobs, int measured, double meanDelay,
      double p50Delay, double p99Delay, double pollsPerJob, double cost, double ratio,
      double warmupCost, double warmupRatio, int byWebhook, int resolvedOnce, int failed) {}

  /** Recovery after the shift: jobs past the shift until a window's cost is ≤ 1.15× floor. */
  public record Shift(int shiftAt, double floorBefore, double floorAfter, int window,
      Map<String, Integer> recovery) {}

  /** A scenario's result. */
  public record Result(Scenario scenario, Settings settings, double floor, double bestFixed,
      double bestFixedCost, List<Row> rows, Optional<Shift> shift, double seconds) {

    public Row row(String schedule) {
      return rows.stream().filter(r -> r.schedule().equals(schedule)).findFirst().orElseThrow();
    }
  }

  /** Runs {@code scenario}; progress lines go to {@code log}. */
  public static Result run(Scenario scenario, Settings s, java.util.function.Consumer<String> log)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    int n = scenario.after().isPresent() ? 2 * s.jobs() : s.jobs();
    double c = s.requestCost();
    double scale = s.scale();

    // Durations and arrivals from separate seeded streams: the same durations whatever else changes.
    Random durRnd = new Random(s.seed());
    Random arrRnd = new Random(s.seed() ^ 0x5DEECE66DL);
    double[] dur = new double[n];
    long[] arrival = new long[n];
    double at = 0;
    for (int i = 0; i < n; i++) {
      TrueDurations d = scenario.at(i, n);
      dur[i] = d.sample(durRnd);
      double rate = s.concurrency() / (d.mean() * scale);
      at += -Math.log(1 - arrRnd.nextDouble()) / rate;
      arrival[i] = (long) (at * 1e9);
    }

    Map<TrueDurations, Double> floors = new LinkedHashMap<>();
    double[] jobFloor = new double[n];
    for (int i = 0; i < n; i++) {
      TrueDurations d = scenario.at(i, n);
      jobFloor[i] = floors.computeIfAbsent(d, x -> Optimum.bhp(x, c).cost());
    }
    Optimum.Fixed best = Optimum.bestFixed(scenario.overall(), c);

    Map<String, PollSchedule> schedules = new LinkedHashMap<>();
    schedules.put("fixed", Schedules.fixed(seconds(best.interval() * scale)));
    PollSchedule ladder = PollSchedule.stepped();
    schedules.put("stepped", ctx -> scaled(ladder.nextDelay(ctx), scale));
    // Google's long-running-operation defaults: 5 s, ×1.5, capped at 45 s.
    schedules.put("exponential", PollSchedule.exponential(seconds(5 * scale), 1.5, seconds(45 * scale)));
    schedules.put("adaptive", Schedules.adaptive(seconds(c * scale), seconds(0.020 * scale), seconds(60 * scale)));
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put("fixed", String.format(Locale.ROOT, "Δ*=%.3fs", best.interval()));
    configs.put("stepped", "4,4,4,4,4,4,2,2,1,1 s");
    configs.put("exponential", "5s×1.5→45s, full jitter");
    configs.put("adaptive", String.format(Locale.ROOT, "c=%.0fms", c * 1000));

    SimulatorServer.Builder sb = SimulatorServer.builder().seed(s.seed());
    if (s.webhooks().on()) {
      sb.dropWebhooks(s.webhooks().drop());
      // The simulator's retry delays (0, 100 ms, 500 ms, 2 s, 10 s, 30 s) scale with the jobs,
      // or a dropped first attempt would look ten times later than it is.
      java.util.List<Duration> retries = new java.util.ArrayList<>();
      for (double d : new double[] {0, 0.1, 0.5, 2, 10, 30}) {
        retries.add(seconds(d * scale));
      }
      sb.webhookRetries(retries);
    }
    double maxScaled = 0;
    for (double d : dur) {
      maxScaled = Math.max(maxScaled, d * scale);
    }
    Duration watchTimeout = Duration.ofSeconds(120).plus(seconds(maxScaled * 4));
    List<StatusClient> clients = new ArrayList<>();
    List<Tally> tallies = new ArrayList<>();
    String[] ids = new String[n];
    long[] submitted = new long[n];
    List<List<CompletableFuture<JobResult>>> futures = new ArrayList<>();
    try (SimulatorServer sim = sb.build().start()) {
      try {
        for (PollSchedule p : schedules.values()) {
          Tally t = new Tally();
          tallies.add(t);
          clients.add(StatusClient.builder(sim.url())
              .webhook(s.webhooks().on() ? WebhookOptions.port(0) : WebhookOptions.disabled())
              .pollSchedule(p)
              .timeout(watchTimeout)
              .listener(t)
              .build());
          futures.add(new ArrayList<>(n));
        }
        if (s.webhooks().on()) {
          for (Tally t : tallies) {
            if (!t.awaitRegistration(Duration.ofSeconds(10))) {
              throw new IOException("a client's webhook registration did not succeed within 10 s");
            }
          }
        }
        log.accept(String.format(Locale.ROOT, "%s: %d jobs, %s, scale %.3g, ~%d concurrent, webhooks %s",
            scenario.name(), n, scenario.describe(), scale, s.concurrency(), s.webhooks().label()));
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          long wait;
          while ((wait = start + arrival[i] - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          submitted[i] = System.nanoTime();
          ids[i] = sim.submit(seconds(dur[i] * scale), JobStatus.COMPLETED);
          for (int k = 0; k < clients.size(); k++) {
            futures.get(k).add(clients.get(k).watch(ids[i]));
          }
        }
        for (List<CompletableFuture<JobResult>> fs : futures) {
          try {
            CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0]))
                .get(watchTimeout.toSeconds() + 30, TimeUnit.SECONDS);
          } catch (ExecutionException | TimeoutException e) {
            // Counted per job below as not resolved.
          }
        }
      } finally {
        for (StatusClient cl : clients) {
          cl.close();
        }
      }
    }

    int warm = (int) Math.ceil(s.warmup() * n);
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> recovery = new LinkedHashMap<>();
    int shiftAt = n / 2;
    int window = Math.max(1, Math.min(s.recoveryWindow(), (n - shiftAt) / 4));
    double floorAfter = jobFloor[n - 1];
    int k = 0;
    for (Map.Entry<String, PollSchedule> e : schedules.entrySet()) {
      Tally t = tallies.get(k);
      List<CompletableFuture<JobResult>> fs = futures.get(k);
      k++;
      double[] delay = new double[n];
      double[] cost = new double[n];
      int[] polls = new int[n];
      boolean[] ok = new boolean[n];
      int once = 0;
      int byWebhook = 0;
      for (int i = 0; i < n; i++) {
        CompletableFuture<JobResult> f = fs.get(i);
        long det = t.detectedAt(ids[i]);
        if (t.completions(ids[i]) == 1) {
          once++;
        }
        if (!f.isDone() || f.isCompletedExceptionally() || det < 0) {
          continue;
        }
        JobResult r = f.join();
        ok[i] = true;
        byWebhook += r.detectedBy() == DetectedBy.WEBHOOK ? 1 : 0;
        double trueEnd = submitted[i] + dur[i] * scale * 1e9;
        delay[i] = Math.max(0, (det - trueEnd) / 1e9 / scale);
        polls[i] = r.polls();
        cost[i] = c * polls[i] + delay[i];
      }
      Figures after = figures(delay, cost, polls, ok, jobFloor, warm, n);
      Figures before = figures(delay, cost, polls, ok, jobFloor, 0, warm);
      rows.add(new Row(e.getKey(), configs.get(e.getKey()), n, after.count, after.meanDelay,
          after.p50, after.p99, after.polls, after.cost, after.cost / after.floor, before.cost,
          before.cost / before.floor, byWebhook, once, n - once));
      if (scenario.after().isPresent()) {
        double[] post = new double[n - shiftAt];
        System.arraycopy(cost, shiftAt, post, 0, post.length);
        recovery.put(e.getKey(), Stats.recovery(post, window, RECOVERY_LIMIT * floorAfter));
      }
    }
    Figures floorFig = figures(new double[n], jobFloor, new int[n], allTrue(n), jobFloor, warm, n);
    Optional<Shift> shift = scenario.after().isPresent()
        ? Optional.of(new Shift(shiftAt, jobFloor[0], floorAfter, window, recovery))
        : Optional.empty();
    return new Result(scenario, s, floorFig.floor, best.interval(), best.cost(), rows, shift,
        (System.nanoTime() - t0) / 1e9);
  }

  private static boolean[] allTrue(int n) {
    boolean[] b = new boolean[n];
    java.util.Arrays.fill(b, true);
    return b;
  }

  private static final class Figures {
    int count;
    double meanDelay;
    double p50;
    double p99;
    double polls;
    double cost;
    double floor;
  }

  /** Figures over the resolved jobs with index in [from, to). */
  private static Figures figures(double[] delay, double[] cost, int[] polls, boolean[] ok,
      double[] floor, int from, int to) {
    int m = 0;
    for (int i = from; i < to; i++) {
      m += ok[i] ? 1 : 0;
    }
    double[] d = new double[m];
    double[] cs = new double[m];
    double[] fl = new double[m];
    double ps = 0;
    int j = 0;
    for (int i = from; i < to; i++) {
      if (ok[i]) {
        d[j] = delay[i];
        cs[j] = cost[i];
        fl[j] = floor[i];
        ps += polls[i];
        j++;
      }
    }
    Figures f = new Figures();
    f.count = m;
    f.meanDelay = Stats.mean(d);
    f.p50 = Stats.percentile(d, 0.5);
    f.p99 = Stats.percentile(d, 0.99);
    f.polls = m == 0 ? Double.NaN : ps / m;
    f.cost = Stats.mean(cs);
    f.floor = Stats.mean(fl);
    return f;
  }

  private static Duration scaled(Duration d, double scale) {
    return Duration.ofNanos(Math.round(d.toNanos() * scale));
  }

  static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }
}
