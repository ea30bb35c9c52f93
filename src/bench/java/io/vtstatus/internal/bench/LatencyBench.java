package io.vtstatus.internal.bench;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobProtocol;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.PollSchedule;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.simulator.SimulatorServer;
import java.io.IOException;
import java.time.Duration;
import io.vtstatus.internal.util.StageStamps;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The detection floor: one job at a time, so nothing queues. The webhook path uses the
 * default schedule (which, once webhooks arrive, waits seconds before a safety-net poll, so the
 * webhook always wins); the poll path uses {@code fixed(Δ)} with webhooks off. Delay is from the
 * job's true end (submit + duration) to the client's {@code completed} callback. The webhook
 * path's floor, a bare JDK POST round trip on loopback ({@link RoundTripFloor}), is measured in
 * the same run.
 */
public final class LatencyBench {
  private LatencyBench() {}

  /** One path's figures, milliseconds. */
  public record Path(String name, int jobs, int resolved, int detectedAsExpected, double p50Ms,
      double p99Ms, double meanMs, double goalMs, double roundTripP50Ms, double roundTripMeanMs) {}

  /**
   * The three paths: webhook, poll, and poll again with a declared protocol ({@code
   * JobProtocol.replicate()} against the simulator standing in for Replicate), on the same
   * durations as the poll path.
   */
  public record Result(Path webhook, Path poll, Path declared, double pollIntervalMs, double seconds,
      double floorP50Ms, double floorMeanMs, List<Stages.Stage> stages, double idleFloorP50Ms) {}

  /**
   * Runs {@code jobs} measured jobs per path after {@code warmup} unmeasured ones (the first
   * requests of a JVM pay for class loading and JIT compilation).
   */
  public static Result run(int jobs, int warmup, Duration interval, long seed, Consumer<String> log)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    log.accept("latency: " + jobs + " sequential jobs per path, poll interval "
        + interval.toMillis() + " ms");
    Path hook;
    Path poll;
    Path declared;
    double[] floor;
    double[] idleFloor;
    Stages stages = new Stages();
    try (SimulatorServer sim = SimulatorServer.builder().seed(seed).build().start()) {
      Tally t = new Tally();
      try (StatusClient client = StatusClient.builder(sim.url())
          .webhook(WebhookOptions.port(0)).listener(t).timeout(Duration.ofSeconds(30)).build()) {
        if (!t.awaitRegistration(Duration.ofSeconds(10))) {
          throw new IOException("webhook registration did not succeed within 10 s");
        }
        StageStamps.sink = stages;
        try {
          hook = path("webhook", sim, client, t, jobs, warmup, () -> 0.020, DetectedBy.WEBHOOK, 2.0,
              stages);
        } finally {
          StageStamps.sink = null;
        }
      }
      // Right after the webhook path, as warm and on the same machine load.
      floor = RoundTripFloor.measure(jobs, warmup);
      // And after the same 20 ms idle as each webhook job: what the path pays for waking up.
      idleFloor = RoundTripFloor.measure(jobs, warmup, 20);
      Tally u = new Tally();
      double dt = interval.toNanos() / 1e9;
      try (StatusClient client = StatusClient.builder(sim.url())
          .webhook(WebhookOptions.disabled()).pollSchedule(PollSchedule.fixed(interval))
          .listener(u).timeout(Duration.ofSeconds(30)).build()) {
        // Durations spread over several intervals, so the end falls at a random phase of the polls.
        Random rnd = new Random(seed);
        poll = path("poll", sim, client, u, jobs, warmup, () -> dt * (1.5 + 3 * rnd.nextDouble()),
            DetectedBy.POLL, dt * 1000 / 2 + 5, null);
      }
    }
    try (SimulatorServer sim = SimulatorServer.builder().seed(seed).protocol(JobProtocol.replicate())
        .apiKey("bench-key").build().start()) {
      Tally v = new Tally();
      double dt = interval.toNanos() / 1e9;
      try (StatusClient client = StatusClient.builder(sim.url()).protocol(JobProtocol.replicate())
          .header("Authorization", "Bearer bench-key").pollSchedule(PollSchedule.fixed(interval))
          .listener(v).timeout(Duration.ofSeconds(30)).build()) {
        Random rnd = new Random(seed);
        // The goal: the built-in poll path's p50, plus 10 %.
        declared = path("poll-declared", sim, client, v, jobs, warmup,
            () -> dt * (1.5 + 3 * rnd.nextDouble()), DetectedBy.POLL, poll.p50Ms() * 1.1, null);
      }
    }
    return new Result(hook, poll, declared, interval.toNanos() / 1e6, (System.nanoTime() - t0) / 1e9,
        Stats.percentile(floor, 0.5), Stats.mean(floor), stages.table(),
        Stats.percentile(idleFloor, 0.5));
  }

  private static Path path(String name, SimulatorServer sim, StatusClient client, Tally t, int jobs,
      int warmup, java.util.function.DoubleSupplier duration, DetectedBy expected, double goalMs,
      Stages stages) throws InterruptedException {
    double[] delays = new double[jobs];
    int resolved = 0;
    int asExpected = 0;
    for (int i = -warmup; i < jobs; i++) {
      double d = duration.getAsDouble();
      long submitted = System.nanoTime();
      String id = sim.submit(ScheduleBench.seconds(d), JobStatus.COMPLETED);
      JobResult r;
      long woken;
      try {
        r = client.watch(id).get(30, TimeUnit.SECONDS);
        woken = System.nanoTime();
      } catch (ExecutionException | TimeoutException e) {
        continue;
      }
      if (i < 0) {
        if (i == -1) {
          t.clearRoundTrips();
          if (stages != null) {
            stages.forget();
          }
        }
        continue;
      }
      delays[resolved++] = Math.max(0, (t.detectedAt(id) - submitted - d * 1e9) / 1e6);
      asExpected += r.detectedBy() == expected ? 1 : 0;
      if (stages != null && r.detectedBy() == expected) {
        stages.job(id, submitted + (long) (d * 1e9), t.detectedAt(id), woken);
      }
    }
    double[] v = java.util.Arrays.copyOf(delays, resolved);
    double[] rt = t.roundTripsMs();
    return new Path(name, jobs, resolved, asExpected, Stats.percentile(v, 0.5),
        Stats.percentile(v, 0.99), Stats.mean(v), goalMs, Stats.percentile(rt, 0.5), Stats.mean(rt));
  }
}
