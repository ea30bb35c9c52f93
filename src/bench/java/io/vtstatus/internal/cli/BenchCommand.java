package io.vtstatus.internal.cli;

import io.vtstatus.internal.bench.LatencyBench;
import io.vtstatus.internal.bench.LongPollBench;
import io.vtstatus.internal.bench.Report;
import io.vtstatus.internal.bench.ScaleBench;
import io.vtstatus.internal.bench.Scenario;
import io.vtstatus.internal.bench.ScheduleBench;
import io.vtstatus.internal.schedule.Schedules;
import io.vtstatus.internal.util.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code vtstatus bench}: runs the simulator and clients in this JVM and measures detection
 * delay, polls and cost per schedule, and the many-jobs and detection-floor figures. See docs/BENCHMARKS.md for the figures and what they mean.
 */
public final class BenchCommand {
  static final String HELP = String.join("\n",
      "usage: make bench ARGS='[--jobs N] [--scenario NAME|all] [--webhooks on|off|drop:0.5] [--json]",
      "                        [--markdown FILE] [--smoke] [--seed N] [--scale F] [--concurrency N]",
      "                        [--repeat N] [--held]'",
      "   or: java -jar target/vtstatus-bench.jar [options] (next to target/vtstatus.jar)",
      "Scenarios: uniform, lognormal-tight, lognormal-wide, bimodal, shift (schedule comparison),",
      "scale (10,000 jobs on one client), latency (detection floor), wait-learning (50 `wait`",
      "runs learning across runs, against none), longpoll (webhooks off, held reads against",
      "adaptive polling on the same lognormal jobs of median 20 s; only when named),",
      "all (default: every scenario but longpoll).",
      "  --jobs N          jobs per schedule scenario (default 500; shift runs N before and N after),",
      "                    jobs at once in scale (default 10,000), jobs per path in latency (200)",
      "  --webhooks MODE   webhooks in the schedule scenarios (default off); with 'all' and no",
      "                    --webhooks, lognormal-tight also runs N/2 jobs with 'on' and 'drop:0.5'",
      "  --scale F         durations and request cost are multiplied by F (default 0.1)",
      "  --concurrency N   mean jobs running at once (default 8)",
      "  --repeat N        scale runs N times in a row, seeds S, S+1, ... (default 3 with 'all', else 1)",
      "  --durations A..B  scale's job durations, uniform in [A, B] (default 1s..10s)",
      "  --drop F          the share of scale's webhook attempts the simulator drops (default 0.2)",
      "  --held            longpoll only: N jobs (default 10,000) created at once and watched at",
      "                    once on one client with its defaults, webhooks off, the simulator (in a",
      "                    JVM of its own) holding reads up to 50 s; durations from --durations",
      "                    (default 30s..60s); takes --jobs, --durations, --seed",
      "  --json            one JSON object per scenario on stdout instead of tables",
      "  --markdown FILE   also write the tables, command and machine to FILE",
      "  --smoke           tiny sizes, a few seconds in all (for tests)",
      "A scenario named alone refuses the flags it does not take: schedule scenarios take --jobs,",
      "--webhooks, --scale, --concurrency, --seed; scale --jobs, --repeat, --seed, --durations,",
      "--drop; latency --jobs, --seed; wait-learning --seed; longpoll --jobs, --scale,",
      "--concurrency, --seed (with --held: --jobs, --durations, --seed). With 'all', each flag goes to every",
      "scenario that takes it.");

  static final List<String> EXTRA = List.of("scale", "latency", "wait-learning");
  /** The flags every run takes: output and sizes, not what a scenario measures. */
  static final Set<String> VALUE_FLAGS = Set.of("jobs", "scenario", "webhooks", "markdown", "seed",
      "scale", "concurrency", "repeat", "durations", "drop");
  static final Set<String> BOOLEAN_FLAGS = Set.of("json", "smoke", "help", "held");
  static final Set<String> COMMON = Set.of("scenario", "json", "markdown", "smoke", "help");
  static final Set<String> SCHEDULE_FLAGS = Set.of("jobs", "webhooks", "scale", "concurrency", "seed");
  /** Run only when named: a few minutes of real-time jobs that 'all' need not repeat. */
  static final List<String> ON_REQUEST = List.of("longpoll");
  /** Consecutive scale runs in 'all': its polls-per-job goal must hold in each. */
  static final int SCALE_RUNS = 3;

  private BenchCommand() {}

  /** The bench jar's entry point: {@code java -jar target/vtstatus-bench.jar [options]}. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] argv, PrintStream out, PrintStream err) {
    Args a;
    List<String> names = new ArrayList<>();
    ScheduleBench.Webhooks webhooks;
    int jobs;
    int scaleJobs;
    double[] scaleDurations;
    double drop;
    int latencyJobs;
    int heldJobs;
    double[] heldDurations;
    double scale;
    int concurrency;
    long seed;
    boolean smoke;
    int repeat;
    try {
      a = Args.parse(argv, VALUE_FLAGS, BOOLEAN_FLAGS);
      if (a.has("help")) {
        out.println(HELP);
        return 0;
      }
      if (!a.positional().isEmpty()) {
        throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
      }
      smoke = a.has("smoke");
      String scenario = a.get("scenario", "all");
      if (a.has("held") && !scenario.equals("longpoll")) {
        throw new Args.UsageException("--held is a mode of --scenario longpoll only");
      }
      if (!scenario.equals("all")) {
        refuseUntaken(a, scenario);
      }
      if (scenario.equals("all")) {
        // scale first, in a JVM no earlier client has left threads in; latency next, warm.
        names.addAll(EXTRA);
        Scenario.all().forEach(s -> names.add(s.name()));
      } else if (Scenario.named(scenario).isPresent() || EXTRA.contains(scenario)
          || ON_REQUEST.contains(scenario)) {
        names.add(scenario);
      } else {
        throw new Args.UsageException("unknown scenario '" + scenario + "' (want "
            + String.join(", ", allNames()) + " or all)");
      }
      try {
        webhooks = ScheduleBench.Webhooks.parse(a.get("webhooks", "off"));
      } catch (IllegalArgumentException e) {
        throw new Args.UsageException("--webhooks: " + e.getMessage());
      }
      jobs = a.integer("jobs", smoke ? 30 : 500, 10, 1_000_000);
      // The extra scenarios have sizes of their own, replaced only by an explicit --jobs.
      scaleJobs = a.integer("jobs", smoke ? 200 : 10_000, 10, 1_000_000);
      latencyJobs = a.integer("jobs", smoke ? 10 : 200, 10, 1_000_000);
      scaleDurations = range(a.get("durations", smoke ? "50ms..500ms" : "1s..10s"));
      heldJobs = a.integer("jobs", smoke ? 50 : 10_000, 10, 1_000_000);
      heldDurations = range(a.get("durations", smoke ? "2s..3s" : "30s..60s"));
      drop = a.fraction("drop", 0.2);
      repeat = a.integer("repeat", scenario.equals("all") ? SCALE_RUNS : 1, 1, 20);
      concurrency = a.integer("concurrency", smoke ? 10 : 8, 1, 100_000);
      seed = a.integer("seed", 42, Integer.MIN_VALUE, Integer.MAX_VALUE);
      String sc = a.get("scale", smoke ? "0.01" : "0.1");
      try {
        scale = Double.parseDouble(sc);
      } catch (NumberFormatException e) {
        throw new Args.UsageException("--scale must be a number, not '" + sc + "'");
      }
      if (!(scale > 0 && scale <= 10)) {
        throw new Args.UsageException("--scale must be in (0, 10], not " + sc);
      }
    } catch (Args.UsageException e) {
      err.println("vtstatus bench: " + e.getMessage());
      return 2;
    }
    boolean json = a.has("json");
    boolean extraWebhookRuns = names.size() > 1 && !a.has("webhooks");
    double c = Schedules.DEFAULT_REQUEST_COST.toNanos() / 1e9;
    StringBuilder md = new StringBuilder();
    List<Double> load = new ArrayList<>();
    long t0 = System.nanoTime();
    try {
      for (String name : names) {
        load.add(loadAverage());
        if (name.equals("scale")) {
          List<ScaleBench.Result> rs = ScaleBench.runs(repeat, scaleJobs, scaleDurations[0],
              scaleDurations[1], drop, seed, err::println);
          String table = Report.markdown(rs);
          if (json) {
            for (int k = 0; k < rs.size(); k++) {
              out.println(Report.json(rs.get(k), k + 1));
            }
          } else {
            out.println(table);
          }
          out.flush();
          md.append(table).append('\n');
        } else if (name.equals("wait-learning")) {
          WaitLearningBench.Result r = smoke
              ? WaitLearningBench.run(12, 3, 0.2, 0.5, seed, err::println)
              : WaitLearningBench.run(50, 11, 1.0, 0.5, seed, err::println);
          emit(out, json, WaitLearningBench.json(r), WaitLearningBench.markdown(r), md);
        } else if (name.equals("longpoll") && a.has("held")) {
          LongPollBench.HeldRun r = LongPollBench.held(heldJobs, heldDurations[0],
              heldDurations[1], seed, err::println);
          emit(out, json, LongPollBench.json(r), LongPollBench.markdown(r), md);
        } else if (name.equals("longpoll")) {
          LongPollBench.Result r = smoke
              ? LongPollBench.run(20, 20, 0.5, 0.01, 10, seed, err::println)
              : LongPollBench.run(jobs, 20, 0.5, scale, concurrency, seed, err::println);
          emit(out, json, LongPollBench.json(r), LongPollBench.markdown(r), md);
        } else if (name.equals("latency")) {
          LatencyBench.Result r = smoke
              ? LatencyBench.run(latencyJobs, 3, Duration.ofMillis(20), seed, err::println)
              : LatencyBench.run(latencyJobs, 20, Duration.ofMillis(20), seed, err::println);
          emit(out, json, Report.json(r), Report.markdown(r), md);
        } else {
          Scenario s = Scenario.named(name).orElseThrow();
          ScheduleBench.Result r = ScheduleBench.run(s, new ScheduleBench.Settings(jobs, scale, c,
              concurrency, 0.2, smoke ? 10 : 100, seed, webhooks), err::println);
          emit(out, json, Report.json(r), Report.markdown(r), md);
          if (extraWebhookRuns && name.equals("lognormal-tight")) {
            for (ScheduleBench.Webhooks w : List.of(ScheduleBench.Webhooks.parse("on"),
                ScheduleBench.Webhooks.parse("drop:0.5"))) {
              ScheduleBench.Result rw = ScheduleBench.run(s, new ScheduleBench.Settings(
                  Math.max(10, jobs / 2), scale, c, concurrency, 0.2, smoke ? 10 : 100, seed, w),
                  err::println);
              emit(out, json, Report.json(rw), Report.markdown(rw), md);
            }
          }
        }
      }
    } catch (IOException e) {
      err.println("vtstatus bench: " + e.getMessage());
      return 4;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 3;
    }
    double total = (System.nanoTime() - t0) / 1e9;
    load.add(loadAverage());
    err.println(String.format(Locale.ROOT, "bench: done in %.1f s", total));
    if (a.get("markdown").isPresent()) {
      Path file = Path.of(a.get("markdown").get());
      try {
        Files.writeString(file, document(argv, md.toString(), total, load, repeat), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("vtstatus bench: cannot write " + file + ": " + e.getMessage());
        return 4;
      }
      err.println("bench: wrote " + file);
    }
    return 0;
  }

  /** {@code A..B} as seconds {@code [A, B]}: two durations, the first no longer than the second. */
  static double[] range(String text) throws Args.UsageException {
    int dots = text.indexOf("..");
    if (dots < 0) {
      throw new Args.UsageException("--durations must be MIN..MAX (such as 5s..60s), not '"
          + Args.printable(text) + "'");
    }
    Duration lo;
    Duration hi;
    try {
      lo = Durations.parse(text.substring(0, dots));
      hi = Durations.parse(text.substring(dots + 2));
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--durations: " + e.getMessage());
    }
    if (lo.compareTo(hi) > 0) {
      throw new Args.UsageException("--durations: " + Args.printable(text) + " ends before it starts");
    }
    return new double[] {lo.toNanos() / 1e9, hi.toNanos() / 1e9};
  }

  /** The flags {@code scenario} takes besides {@link #COMMON}; empty for an unknown name. */
  static Set<String> flagsOf(String scenario) {
    switch (scenario) {
      case "scale":
        return Set.of("jobs", "repeat", "seed", "durations", "drop");
      case "latency":
        return Set.of("jobs", "seed");
      case "wait-learning":
        return Set.of("seed");
      case "longpoll":
        return Set.of("jobs", "scale", "concurrency", "seed");
      default:
        return Scenario.named(scenario).isPresent() ? SCHEDULE_FLAGS : Set.of();
    }
  }

  /** A flag the named scenario would ignore is a usage error: a figure must mean what was asked. */
  private static void refuseUntaken(Args a, String scenario) throws Args.UsageException {
    Set<String> takes = scenario.equals("longpoll") && a.has("held")
        ? Set.of("jobs", "durations", "seed") : flagsOf(scenario);
    if (takes.isEmpty()) {
      return;
    }
    List<String> given = new ArrayList<>(VALUE_FLAGS);
    given.sort(null);
    for (String f : given) {
      if (a.has(f) && !COMMON.contains(f) && !takes.contains(f)) {
        List<String> l = new ArrayList<>(takes);
        l.sort(null);
        throw new Args.UsageException("--scenario " + scenario
            + (scenario.equals("longpoll") && a.has("held") ? " --held" : "") + " does not take --" + f
            + " (it takes --" + String.join(", --", l) + ")");
      }
    }
  }

  private static List<String> allNames() {
    List<String> l = new ArrayList<>();
    Scenario.all().forEach(s -> l.add(s.name()));
    l.addAll(EXTRA);
    l.addAll(ON_REQUEST);
    return l;
  }

  private static void emit(PrintStream out, boolean json, String jsonLine, String markdown, StringBuilder md) {
    out.println(json ? jsonLine : markdown);
    out.flush();
    md.append(markdown).append('\n');
  }

  /** The 1-minute load average, or NaN where the platform has none. */
  private static double loadAverage() {
    double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return l < 0 ? Double.NaN : l;
  }

  /** "load average 1.2–9.8 (…)": how busy the machine was, sampled at each scenario's start and at the end. */
  static String loadLine(List<Double> load) {
    DoubleSummaryStatistics st = load.stream().filter(Double::isFinite)
        .collect(DoubleSummaryStatistics::new, DoubleSummaryStatistics::accept, DoubleSummaryStatistics::combine);
    if (st.getCount() == 0) {
      return "load average not available on this platform.";
    }
    return String.format(Locale.ROOT, "1-minute load average %.1f–%.1f while it ran (sampled at each "
        + "scenario's start and at the end; %d CPUs). The machine was shared with other builds and "
        + "test runs, so absolute delays include their CPU contention; the side-by-side ratios less so.",
        st.getMin(), st.getMax(), Runtime.getRuntime().availableProcessors());
  }

  /** The Markdown document: machine, command, then the tables. */
  static String document(String[] argv, String tables, double seconds, List<Double> load, int repeat) {
    String cmd = "java -Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m -jar target/vtstatus-bench.jar "
        + String.join(" ", argv);
    return String.join("\n",
        "# Benchmarks",
        "",
        "Written by `" + cmd.trim() + "` (what `make bench` runs), in " + String.format(Locale.ROOT, "%.0f", seconds)
            + " s, on " + LocalDate.now(ZoneOffset.UTC) + ". Regenerate with `make bench`; every figure below "
            + "comes from that one run.",
        "",
        "Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (`nproc`), "
            + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch") + "; JDK " + System.getProperty("java.version") + " ("
            + System.getProperty("java.vendor") + ", " + System.getProperty("java.vm.name") + "); "
            + loadLine(load),
        "",
        "Simulator throughput against Go (`make bench-http`): [BENCHMARKS-http.md](BENCHMARKS-http.md).",
        "Jar size, CLI start-up and 1,000 jobs on one client, measured by hand: [BENCHMARKS-footprint.md](BENCHMARKS-footprint.md).",
        "What a webhook signature costs (`v1`, `v1a`) and the time spent in `acceptWebhook` under 8 threads × 10,000 deliveries: [BENCHMARKS-webhooks.md](BENCHMARKS-webhooks.md).",
        "Held reads (`Prefer: wait=N`) against adaptive polling, webhooks off (`--scenario longpoll`, run only when named): [BENCHMARKS-longpoll.md](BENCHMARKS-longpoll.md).",
        "",
        "## How to read this",
        "",
        "* **Schedule scenarios**. One simulator and one client per schedule run in this JVM;",
        "  all four clients watch the *same* jobs (same seeded durations, same Poisson arrivals), so",
        "  every schedule sees exactly the same stream. Durations are scaled by the factor shown",
        "  (×0.1: the uniform 5–15 s jobs take 0.5–1.5 s) and the request cost `c` by the same",
        "  factor; delays and costs are reported back in *unscaled* seconds. Costs are",
        "  `c·polls + delay` in seconds, so scaling time scales every cost alike and the ratios",
        "  (÷ floor, adaptive ÷ stepped) are scale-invariant — up to the fixed overheads that do not",
        "  scale (a poll's round trip and timer slack, ~1 ms real = ~10 ms unscaled at ×0.1).",
        "* **Detection delay** = the client's `completed` callback instant minus the job's true end",
        "  (submit instant + duration, both `System.nanoTime()`); **polls/job** from `JobResult.polls()`.",
        "* **Floor** = the Barlow–Hunter–Proschan optimum computed by `Optimum.bhp` for the scenario's",
        "  true (unscaled) distribution — an expectation, whereas the schedules' costs are sample means",
        "  (a few % of Monte-Carlo noise). For `shift` the floor is the mean of each job's own phase floor.",
        "* **Warm-up**: the first 20 % of each run's jobs (by arrival) are left out of every column but",
        "  \"warm-up cost ÷ floor\". `adaptive` learns from scratch in each run (its own warm-up is 10",
        "  finished jobs, see docs/POLLING.md).",
        "* `fixed` polls at Δ* = the best fixed interval for the true distribution (`Optimum.bestFixed`;",
        "  for `shift`, for the even mixture of both halves); `stepped` is the original Go ladder;",
        "  `exponential` is Google's 5 s ×1.5 up to 45 s with full jitter; all scaled.",
        "* **Goals**, checked under each table: after warm-up, `adaptive` ≤ 1.15× the floor and",
        "  ≤ 0.5× `stepped`; with webhooks on, ≤ 1.1 polls per job. On `shift`, the whole run ≤ 1.15×",
        "  the floor, and back within 1.15× of the new floor ≤ 100 jobs after the shift, where \"back",
        "  after k jobs\" means: k is the first job after the shift from which the mean cost of the next",
        "  100 jobs is ≤ 1.15× the new floor (0: the 100 jobs right after the shift already are).",
        "* **`scale`** runs " + (repeat == 1 ? "once" : repeat + " times in a row") + " (`--repeat`), after one throw-away run of "
            + ScaleBench.WARMUP_JOBS + " jobs",
        "  that lets the JIT compile the HTTP paths; each run has its own simulator, a fresh client",
        "  (nothing learned carries over) and its own seed (S, S+1, …). Its goals, polls per job",
        "  ≤ 1.1 among them, must hold in every run; the table says in which runs one does not.",
        "* **`latency`** runs one job at a time per path; its webhook path is held to a floor measured",
        "  in the same run, right after it: a bare JDK `HttpClient` POST to a bare `HttpServer` on loopback",
        "  (`floor_p50_ms` beside the webhook's `p50_ms` in `--json`; goal: webhook p50 ≤ 2× the floor).",
        "* **`wait-learning`** runs the `wait` command 50 times in a row, each a new client and",
        "  schedule, learning across runs through a state file against not learning (see its section).",
        "* **CPU contention**: this is a 2-core machine and the simulator, four clients (or the",
        "  10,000-job client) and the benchmark share it, so round trips and timer slack are those of",
        "  a loaded machine; the delays include them. Other builds ran beside it (load average above).",
        "",
        "## Results",
        "",
        tables);
  }
}
