package io.vtstatus.internal.bench;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.util.StageStamps;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.simulator.WebhookDelivery;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The many-jobs run: one client (default adaptive schedule, webhooks on) watches {@code
 * jobs} jobs submitted at once to a simulator in this JVM that drops a fraction of webhook
 * attempts. Counts threads with {@link ThreadMXBean}, and separately the client's own threads by
 * name (sampled every 10 ms), heap after GC, webhook detection delay and polls per job.
 */
public final class ScaleBench {
  /** Jobs run before the measured ones, so the JIT has compiled the HTTP paths. */
  public static final int WARMUP_JOBS = 3000;
  private ScaleBench() {}

  /**
   * Figures of one run; delays in milliseconds. {@code peakThreads} and {@code threadsStarted}
   * count the whole JVM (simulator, client, benchmark); {@code peakClientThreads} only the
   * client's.
   */
  public record Result(int jobs, double minSeconds, double maxSeconds, double drop, int resolvedOnce,
      int resolvedMoreThanOnce, int failed, int byWebhook, int byPoll, double pollsPerJob,
      int peakThreads, long threadsStarted, int peakClientThreads, int clientThreadsSeen,
      List<String> clientThreadNames, double heapAfterGcMb, double heapBaselineMb,
      double webhookP50Ms, double webhookP99Ms, double webhookFirstAttemptP99Ms,
      int firstAttemptDropped, double seconds, double deliveryLagP50Ms, double deliveryLagP99Ms) {}

  /** Runs it once; progress lines go to {@code log}. */
  public static Result run(int jobs, double minSeconds, double maxSeconds, double drop, long seed,
      Consumer<String> log) throws IOException, InterruptedException {
    return runs(1, jobs, minSeconds, maxSeconds, drop, seed, log).get(0);
  }

  /**
   * Runs it {@code times} times in a row after one warm-up, each run with its own simulator and
   * a fresh client (nothing learned carries over) and its own seed ({@code seed}, {@code seed +
   * 1}, ...): a goal met once could be luck, met in consecutive runs it is the client's.
   */
  public static List<Result> runs(int times, int jobs, double minSeconds, double maxSeconds,
      double drop, long seed, Consumer<String> log) throws IOException, InterruptedException {
    warmUp();
    List<Result> l = new ArrayList<>(times);
    for (int k = 0; k < times; k++) {
      if (times > 1) {
        log.accept(String.format(java.util.Locale.ROOT, "scale: run %d of %d", k + 1, times));
      }
      l.add(measure(jobs, minSeconds, maxSeconds, drop, seed + k, log));
    }
    return l;
  }

  private static Result measure(int jobs, double minSeconds, double maxSeconds, double drop, long seed,
      Consumer<String> log) throws IOException, InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    double baselineMb = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
    long t0 = System.nanoTime();
    threads.resetPeakThreadCount();
    long startedBefore = threads.getTotalStartedThreadCount();
    Set<Thread> before = new HashSet<>(allThreads());

    Random rnd = new Random(seed);
    double[] dur = new double[jobs];
    for (int i = 0; i < jobs; i++) {
      dur[i] = minSeconds + rnd.nextDouble() * (maxSeconds - minSeconds);
    }
    String[] ids = new String[jobs];
    long[] submitted = new long[jobs];
    List<CompletableFuture<JobResult>> fs = new ArrayList<>(jobs);
    Tally tally = new Tally();
    ClientThreads sampler = new ClientThreads();
    ConcurrentHashMap<String, Boolean> firstDropped = new ConcurrentHashMap<>();
    AtomicInteger peakClient = new AtomicInteger();
    ScheduledExecutorService bench = Executors.newScheduledThreadPool(2, Threads.daemon("vtstatus-bench"));
    // The simulator's delivery lag: from a job's end to its first attempt's request going out
    // (a dropped first attempt: its retry's, so the retry delay counts), through the StageStamps.
    ConcurrentHashMap<String, Long> endedAt = new ConcurrentHashMap<>();
    double[] lags = new double[jobs];
    AtomicInteger lagCount = new AtomicInteger();
    StageStamps.sink = (stage, id, nanos) -> {
      if (stage == StageStamps.JOB_ENDED) {
        endedAt.put(id, nanos);
      } else if (stage == StageStamps.REQUEST_SENT) {
        Long e = endedAt.remove(id);
        int k;
        if (e != null && (k = lagCount.getAndIncrement()) < lags.length) {
          lags[k] = (nanos - e) / 1e6;
        }
      }
    };
    double heapMb;
    int peak;
    long started;
    try (SimulatorServer sim = SimulatorServer.builder().seed(seed).dropWebhooks(drop).build().start()) {
      // Threads alive now (JVM, simulator, benchmark) are not the client's; unnamed ones that
      // appear later (the client's HttpClient selector and HttpServer dispatcher) are.
      sampler.notClient.addAll(before);
      sampler.notClient.addAll(allThreads());
      bench.scheduleAtFixedRate(() -> peakClient.accumulateAndGet(sampler.sample(), Math::max),
          0, 10, TimeUnit.MILLISECONDS);
      bench.execute(() -> drainDeliveries(sim, firstDropped));
      try (StatusClient client = StatusClient.builder(sim.url())
          .webhook(WebhookOptions.port(0))
          .timeout(Duration.ofSeconds(120).plus(ScheduleBench.seconds(maxSeconds)))
          .listener(tally)
          .build()) {
        if (!tally.awaitRegistration(Duration.ofSeconds(10))) {
          throw new IOException("webhook registration did not succeed within 10 s");
        }
        log.accept(String.format(java.util.Locale.ROOT,
            "scale: %d jobs at once, %.2fs..%.2fs, webhooks on, %.0f%% of attempts dropped",
            jobs, minSeconds, maxSeconds, drop * 100));

        for (int i = 0; i < jobs; i++) {
          submitted[i] = System.nanoTime();
          ids[i] = sim.submit(ScheduleBench.seconds(dur[i]), JobStatus.COMPLETED);
          // Created a moment ago, as the client is told: no first look within a second.
          fs.add(client.watchNew(ids[i]));
        }
        try {
          CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0]))
              .get(180 + (long) maxSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // Counted below.
        }
        // Heap while the client and simulator still hold everything they keep per job.
        System.gc();
        System.gc();
        heapMb = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
        peak = threads.getPeakThreadCount();
        started = threads.getTotalStartedThreadCount() - startedBefore;
      }
    } finally {
      StageStamps.sink = null;
      bench.shutdownNow();
      bench.awaitTermination(5, TimeUnit.SECONDS);
    }

    int once = 0;
    int more = 0;
    int byWebhook = 0;
    int byPoll = 0;
    long polls = 0;
    List<Double> hook = new ArrayList<>();
    List<Double> hookFirst = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      int c = tally.completions(ids[i]);
      once += c == 1 ? 1 : 0;
      more += c > 1 ? 1 : 0;
      CompletableFuture<JobResult> f = fs.get(i);
      if (!f.isDone() || f.isCompletedExceptionally()) {
        continue;
      }
      JobResult r = f.join();
      polls += r.polls();
      double d = Math.max(0, (tally.detectedAt(ids[i]) - submitted[i] - dur[i] * 1e9) / 1e6);
      if (r.detectedBy() == DetectedBy.WEBHOOK) {
        byWebhook++;
        hook.add(d);
        if (!firstDropped.getOrDefault(ids[i], false)) {
          hookFirst.add(d);
        }
      } else {
        byPoll++;
      }
    }
    int dropped = 0;
    for (boolean b : firstDropped.values()) {
      dropped += b ? 1 : 0;
    }
    double[] h = hook.stream().mapToDouble(Double::doubleValue).toArray();
    double[] hf = hookFirst.stream().mapToDouble(Double::doubleValue).toArray();
    return new Result(jobs, minSeconds, maxSeconds, drop, once, more, jobs - once - more, byWebhook,
        byPoll, (double) polls / jobs, peak, started, peakClient.get(), sampler.seen.size(),
        sampler.names(), heapMb, baselineMb, Stats.percentile(h, 0.5), Stats.percentile(h, 0.99),
        Stats.percentile(hf, 0.99), dropped, (System.nanoTime() - t0) / 1e9,
        Stats.percentile(java.util.Arrays.copyOf(lags, Math.min(lags.length, lagCount.get())), 0.5),
        Stats.percentile(java.util.Arrays.copyOf(lags, Math.min(lags.length, lagCount.get())), 0.99));
  }

  /**
   * The JIT compiles the JDK's HTTP client and server during the first few thousand exchanges,
   * using a core for seconds. A throw-away simulator and client run that many first, so the
   * measured run sees steady state, and its client learns nothing from the warm-up jobs.
   */
  private static void warmUp() throws IOException, InterruptedException {
    Tally registered = new Tally();
    try (SimulatorServer sim = SimulatorServer.builder().build().start();
         StatusClient client = StatusClient.builder(sim.url()).listener(registered).build()) {
      if (!registered.awaitRegistration(Duration.ofSeconds(10))) {
        throw new IOException("warm-up: webhook registration did not succeed within 10 s");
      }
      List<CompletableFuture<JobResult>> warm = new ArrayList<>();
      for (int i = 0; i < WARMUP_JOBS; i++) {
        warm.add(client.watch(sim.submit(Duration.ofMillis(i % 100), JobStatus.COMPLETED)));
      }
      CompletableFuture.allOf(warm.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("warm-up jobs did not resolve: " + e);
    }
  }

  /** Notes, per job, whether the simulator dropped its first webhook attempt. */
  private static void drainDeliveries(SimulatorServer sim, ConcurrentHashMap<String, Boolean> firstDropped) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Optional<WebhookDelivery> d = sim.takeDelivery(Duration.ofMillis(200));
        if (d.isPresent() && d.get().attempt() == 1) {
          firstDropped.put(d.get().jobId(), d.get().dropped());
        }
      }
    } catch (InterruptedException | IllegalStateException e) {
      // Stopped by shutdownNow, or the simulator closed.
    }
  }

  static List<Thread> allThreads() {
    ThreadGroup g = Thread.currentThread().getThreadGroup();
    while (g.getParent() != null) {
      g = g.getParent();
    }
    Thread[] a = new Thread[g.activeCount() * 2 + 16];
    int n = g.enumerate(a, true);
    List<Thread> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(a[i]);
    }
    return l;
  }

  /** Counts the client's live threads: {@code vtstatus-*} except the simulator's and ours, plus new unnamed JDK ones. */
  static final class ClientThreads {
    final Set<Thread> notClient = ConcurrentHashMap.newKeySet();
    final Set<String> seen = ConcurrentHashMap.newKeySet();

    static boolean isClientName(String name) {
      return name.startsWith("vtstatus-") && !name.startsWith("vtstatus-sim")
          && !name.startsWith("vtstatus-bench");
    }

    int sample() {
      int n = 0;
      for (Thread t : allThreads()) {
        String name = t.getName();
        boolean client = isClientName(name)
            || !name.startsWith("vtstatus-") && !notClient.contains(t);
        if (client) {
          n++;
          seen.add(name);
        }
      }
      return n;
    }

    List<String> names() {
      List<String> l = new ArrayList<>(seen);
      l.sort(null);
      return l;
    }
  }
}
