package io.vtstatus.internal.bench;

import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.schedule.Schedules;
import io.vtstatus.simulator.SimulatorServer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Webhooks off, the simulator honouring {@code Prefer: wait=N}: held reads against today's
 * adaptive polling, on the same jobs (same seeded durations and Poisson arrivals, one simulator
 * and one client per arm, one arm after the other). Detection delay is real milliseconds (a
 * held read's delay does not scale with the jobs); requests are what the simulator counted for
 * each job, against the bound ⌈duration / wait cap⌉ + 2.
 */
public final class LongPollBench {
  private LongPollBench() {}

  /** One arm's figures. */
  public record Arm(String name, int jobs, int resolved, int completedOnce, double p50Ms,
      double p99Ms, double meanRequests, int maxRequests, int overBound, int maxSimThreads) {}

  public record Result(String durations, double scale, long waitCapSeconds, int concurrency,
      Arm held, Arm adaptive, double seconds) {}

  /**
   * {@code jobs} lognormal jobs of median {@code medianSeconds} (unscaled) and {@code sigma},
   * durations and the 50 s wait cap scaled by {@code scale}, {@code concurrency} running at
   * once on average.
   */
  public static Result run(int jobs, double medianSeconds, double sigma, double scale,
      int concurrency, long seed, Consumer<String> log) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    long cap = Math.max(1, Math.round(50 * scale));
    TrueDurations truth = TrueDurations.lognormal(medianSeconds * scale, sigma);
    log.accept("longpoll: " + jobs + " jobs " + truth.name() + ", wait cap " + cap + " s, "
        + concurrency + " at once, held reads against adaptive polling");
    Arm held = arm("held (longPoll " + cap + "s)", jobs, truth, scale, concurrency, seed, cap, true);
    Arm adaptive = arm("adaptive polling", jobs, truth, scale, concurrency, seed, cap, false);
    return new Result(truth.name(), scale, cap, concurrency, held, adaptive,
        (System.nanoTime() - t0) / 1e9);
  }

  private static Arm arm(String name, int jobs, TrueDurations truth, double scale,
      int concurrency, long seed, long cap, boolean held) throws IOException, InterruptedException {
    Random rnd = new Random(seed);
    double meanGap = truth.mean() / concurrency;
    double[] durations = new double[jobs];
    String[] ids = new String[jobs];
    long[] submitted = new long[jobs];
    List<CompletableFuture<JobResult>> futures = new ArrayList<>();
    int maxThreads = 0;
    Tally t = new Tally();
    try (SimulatorServer sim = SimulatorServer.builder().seed(seed)
        .maxWait(Duration.ofSeconds(held ? cap : 0)).build().start();
        StatusClient client = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
            .longPoll(held ? Duration.ofSeconds(cap) : Duration.ZERO)
            // The same (scaled) adaptive schedule in both arms: held reads leave it the first
            // read only.
            .pollSchedule(Schedules.adaptive(ScheduleBench.seconds(0.050 * scale),
                ScheduleBench.seconds(0.020 * scale), ScheduleBench.seconds(60 * scale)))
            .maxConcurrentRequests(Math.min(1024, concurrency * 4))
            .timeout(Duration.ofSeconds(Math.max(60, (long) (truth.quantile(0.9999) * 3) + 30)))
            .listener(t).build()) {
      long next = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        durations[i] = truth.sample(rnd);
        submitted[i] = System.nanoTime();
        ids[i] = sim.submit(ScheduleBench.seconds(durations[i]), JobStatus.COMPLETED);
        futures.add(client.watch(ids[i]));
        next += (long) (-Math.log(1 - rnd.nextDouble()) * meanGap * 1e9);
        maxThreads = Math.max(maxThreads, simThreads());
      }
      double[] delays = new double[jobs];
      int resolved = 0;
      int once = 0;
      long requests = 0;
      int maxRequests = 0;
      int over = 0;
      for (int i = 0; i < jobs; i++) {
        try {
          futures.get(i).get(10, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
          continue;
        }
        delays[resolved++] = Math.max(0, (t.detectedAt(ids[i]) - submitted[i] - durations[i] * 1e9) / 1e6);
        once += t.completions(ids[i]) == 1 ? 1 : 0;
        int r = sim.statusRequests(ids[i]);
        requests += r;
        maxRequests = Math.max(maxRequests, r);
        if (r > Math.ceil(durations[i] / cap) + 2) {
          over++;
        }
        maxThreads = Math.max(maxThreads, simThreads());
      }
      double[] v = java.util.Arrays.copyOf(delays, resolved);
      return new Arm(name, jobs, resolved, once, Stats.percentile(v, 0.5), Stats.percentile(v, 0.99),
          (double) requests / Math.max(1, resolved), maxRequests, over, maxThreads);
    }
  }

  private static int simThreads() {
    int n = 0;
    for (Thread th : Thread.getAllStackTraces().keySet()) {
      if (th.getName().startsWith("vtstatus-sim")) {
        n++;
      }
    }
    return n;
  }

  public static String json(Result r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "{\"scenario\":\"longpoll\",\"durations\":\"%s\",\"scale\":%s,"
        + "\"wait_cap_s\":%d,\"concurrency\":%d,\"seconds\":%.1f,\"arms\":[", r.durations(), r.scale(),
        r.waitCapSeconds(), r.concurrency(), r.seconds()));
    for (Arm a : List.of(r.held(), r.adaptive())) {
      b.append(String.format(Locale.ROOT, "%s{\"name\":\"%s\",\"jobs\":%d,\"resolved\":%d,"
          + "\"completed_once\":%d,\"delay_p50_ms\":%.2f,\"delay_p99_ms\":%.2f,"
          + "\"requests_per_job\":%.2f,\"max_requests\":%d,\"over_bound\":%d,\"max_sim_threads\":%d}",
          a == r.held() ? "" : ",", a.name(), a.jobs(), a.resolved(), a.completedOnce(), a.p50Ms(),
          a.p99Ms(), a.meanRequests(), a.maxRequests(), a.overBound(), a.maxSimThreads()));
    }
    return b.append("]}").toString();
  }

  public static String markdown(Result r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "### longpoll: %s, wait cap %d s (scale ×%s), %d at once, "
        + "webhooks off%n%n", r.durations(), r.waitCapSeconds(), r.scale(), r.concurrency()));
    b.append("| arm | jobs | detected once | delay p50 ms | delay p99 ms | requests/job | max | over ⌈d/cap⌉+2 | sim threads |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Arm a : List.of(r.held(), r.adaptive())) {
      b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.2f | %d | %d | %d |%n",
          a.name(), a.jobs(), a.completedOnce(), a.p50Ms(), a.p99Ms(), a.meanRequests(),
          a.maxRequests(), a.overBound(), a.maxSimThreads()));
    }
    Arm h = r.held();
    b.append(String.format(Locale.ROOT, "%nGoals (held): p50 ≤ 5 ms %s, p99 ≤ 50 ms %s, every job's "
        + "requests ≤ ⌈duration / cap⌉ + 2 %s, every job detected once %s.%n",
        h.p50Ms() <= 5 ? "met" : "NOT met", h.p99Ms() <= 50 ? "met" : "NOT met",
        h.overBound() == 0 ? "met" : "NOT met (" + h.overBound() + " over)",
        h.completedOnce() == h.jobs() ? "met" : "NOT met"));
    return b.toString();
  }

  // ---------------------------------------------------------------- held reads at scale

  /** The held-reads run's figures: one client, one simulator (in a JVM of its own). */
  public record HeldRun(int jobs, double loSeconds, double hiSeconds, long waitCapSeconds,
      int resolved, int completedOnce, int failed, int peakHeld, int maxSimThreads,
      int maxSimJvmThreads, int maxClientThreads, int clientJvmPeakThreads, double requestsPerJob,
      double p50Ms, double p99Ms, double seconds) {}

  /**
   * {@code jobs} jobs created at once, durations uniform in [{@code lo}, {@code hi}] seconds, all
   * watched at once by one client with its defaults (8 request permits, 50 s holds, 10,000 held
   * reads), webhooks off, the simulator holding reads up to 50 s in a JVM of its own (started with
   * this JVM's class path). Samples, every 200 ms: the reads the simulator holds, its threads,
   * the client's threads.
   */
  public static HeldRun held(int jobs, double lo, double hi, long seed, Consumer<String> log)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    long cap = 50;
    log.accept("longpoll --held: " + jobs + " jobs of " + lo + "..." + hi + " s created at once,"
        + " all watched at once on one client, simulator in its own JVM holding reads up to "
        + cap + " s");
    String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        HeldSimulator.class.getName(), Long.toString(cap))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
            child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        PrintStream to = new PrintStream(child.getOutputStream(), true,
            java.nio.charset.StandardCharsets.UTF_8)) {
      String url = expect(in, "url");
      to.println("jobs " + jobs + " " + (long) (lo * 1000) + " " + (long) (hi * 1000) + " " + seed);
      String[] pairs = expect(in, "ids").split(",");
      String[] ids = new String[jobs];
      long[] ends = new long[jobs];
      for (int i = 0; i < jobs; i++) {
        int colon = pairs[i].indexOf(':');
        ids[i] = pairs[i].substring(0, colon);
        ends[i] = Long.parseLong(pairs[i].substring(colon + 1));
      }
      mx.resetPeakThreadCount();
      int peakHeld = 0;
      int maxSim = 0;
      int maxSimJvm = 0;
      int maxClient = 0;
      long requests = 0;
      Tally t = new Tally();
      List<CompletableFuture<JobResult>> futures = new ArrayList<>(jobs);
      try (StatusClient client = StatusClient.builder(java.net.URI.create(url))
          .webhook(WebhookOptions.disabled()).timeout(Duration.ofSeconds((long) hi + 180))
          .listener(t).build()) {
        for (String id : ids) {
          futures.add(client.watch(id));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos((long) hi + 240);
        while (true) {
          to.println("stats");
          String[] st = expect(in, "stats").split(" ");
          peakHeld = Math.max(peakHeld, Integer.parseInt(st[0]));
          maxSim = Math.max(maxSim, Integer.parseInt(st[1]));
          maxSimJvm = Math.max(maxSimJvm, Integer.parseInt(st[3]));
          requests = Long.parseLong(st[4]);
          maxClient = Math.max(maxClient, clientThreads());
          if (all.isDone() || System.nanoTime() > deadline) {
            break;
          }
          try {
            all.get(200, TimeUnit.MILLISECONDS);
          } catch (ExecutionException | TimeoutException e) {
            // Not all done yet (a failed watch is counted below).
          }
        }
      }
      int resolved = 0;
      int once = 0;
      int failed = 0;
      double[] delays = new double[jobs];
      for (int i = 0; i < jobs; i++) {
        CompletableFuture<JobResult> f = futures.get(i);
        if (!f.isDone() || f.isCompletedExceptionally()) {
          failed++;
          continue;
        }
        delays[resolved++] = Math.max(0, (t.detectedAt(ids[i]) - ends[i]) / 1e6);
        once += t.completions(ids[i]) == 1 ? 1 : 0;
      }
      to.println("quit");
      double[] v = java.util.Arrays.copyOf(delays, resolved);
      return new HeldRun(jobs, lo, hi, cap, resolved, once, failed, peakHeld, maxSim, maxSimJvm,
          maxClient, mx.getPeakThreadCount(), (double) requests / jobs, Stats.percentile(v, 0.5),
          Stats.percentile(v, 0.99), (System.nanoTime() - t0) / 1e9);
    } finally {
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  /** The next line from the child, which must start with {@code word}; the rest of it. */
  private static String expect(java.io.BufferedReader in, String word) throws IOException {
    String line = in.readLine();
    if (line == null || !line.startsWith(word + " ")) {
      throw new IOException("held-reads simulator said " + line + ", expected " + word);
    }
    return line.substring(word.length() + 1);
  }

  /** The client library's threads in this JVM: ours ({@code vtstatus-…}) and the JDK client's. */
  private static int clientThreads() {
    int n = 0;
    for (Thread th : Thread.getAllStackTraces().keySet()) {
      if (th.getName().startsWith("vtstatus-") || th.getName().startsWith("HttpClient-")) {
        n++;
      }
    }
    return n;
  }

  public static String json(HeldRun r) {
    return String.format(Locale.ROOT, "{\"scenario\":\"longpoll-held\",\"jobs\":%d,\"min_s\":%s,"
        + "\"max_s\":%s,\"wait_cap_s\":%d,\"resolved\":%d,\"completed_once\":%d,\"failed\":%d,"
        + "\"peak_held\":%d,\"max_sim_threads\":%d,\"sim_jvm_peak_threads\":%d,"
        + "\"max_client_threads\":%d,\"client_jvm_peak_threads\":%d,\"requests_per_job\":%.2f,"
        + "\"delay_p50_ms\":%.2f,\"delay_p99_ms\":%.2f,\"seconds\":%.1f}", r.jobs(), r.loSeconds(),
        r.hiSeconds(), r.waitCapSeconds(), r.resolved(), r.completedOnce(), r.failed(), r.peakHeld(),
        r.maxSimThreads(), r.maxSimJvmThreads(), r.maxClientThreads(), r.clientJvmPeakThreads(),
        r.requestsPerJob(), r.p50Ms(), r.p99Ms(), r.seconds());
  }

  public static String markdown(HeldRun r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "### longpoll --held: %d jobs (%s..%s s) watched at once,"
        + " wait cap %d s, webhooks off, one client, one simulator (own JVM)%n%n", r.jobs(),
        r.loSeconds(), r.hiSeconds(), r.waitCapSeconds()));
    b.append("| jobs | detected once | failed | peak held at once | sim threads (vtstatus-sim) |"
        + " sim JVM peak threads | client threads (vtstatus-, HttpClient-) | client JVM peak threads |"
        + " requests/job | delay p50 ms | delay p99 ms | seconds |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    b.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d | %d | %.2f | %.1f | %.1f | %.1f |%n",
        r.jobs(), r.completedOnce(), r.failed(), r.peakHeld(), r.maxSimThreads(),
        r.maxSimJvmThreads(), r.maxClientThreads(), r.clientJvmPeakThreads(), r.requestsPerJob(),
        r.p50Ms(), r.p99Ms(), r.seconds()));
    b.append(String.format(Locale.ROOT, "%nGoals: every job detected once %s; simulator threads ≤ 40 %s.%n",
        r.completedOnce() == r.jobs() ? "met" : "NOT met",
        r.maxSimThreads() <= 40 ? "met" : "NOT met"));
    return b.toString();
  }
}
