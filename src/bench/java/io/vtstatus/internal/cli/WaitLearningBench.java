package io.vtstatus.internal.cli;

import io.vtstatus.JobListener;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.bench.TrueDurations;
import io.vtstatus.internal.bench.Stats;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.simulator.SimulatorServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Does {@code vtstatus wait} learn across runs? Two sequences of {@code wait --no-webhook} runs
 * against one simulator, each run a fresh command (in this JVM: the command's code, a new client
 * and a new schedule every time), on the same seeded lognormal job durations: one learning into a
 * state file ({@code --model}), one with {@code --no-learn}. The sequences run side by side, so
 * both see the same machine. Detection delay is the instant the client reported the job ended
 * minus the job's true end (submit instant + duration).
 */
final class WaitLearningBench {
  /** Figures of both sequences; delays in seconds. */
  record Result(int runs, int from, double median, double sigma, double requestCost,
      double[] pollsLearning, double[] delayLearning, double[] pollsCold, double[] delayCold,
      double seconds) {}

  private WaitLearningBench() {}

  static Result run(int runs, int from, double median, double sigma, long seed, Consumer<String> log)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    TrueDurations d = TrueDurations.lognormal(median, sigma);
    Random rnd = new Random(seed);
    double[] dur = new double[runs];
    for (int i = 0; i < runs; i++) {
      dur[i] = d.sample(rnd);
    }
    Path dir = Files.createTempDirectory("vtstatus-bench-");
    Path model = dir.resolve("model.json");
    try (SimulatorServer sim = SimulatorServer.builder().seed(seed).build().start()) {
      log.accept(String.format(Locale.ROOT,
          "wait-learning: %d sequential `wait --no-webhook` runs on %s jobs, learning and not, side by side",
          runs, d.name()));
      CompletableFuture<double[][]> learning = CompletableFuture.supplyAsync(
          () -> sequence(sim, dur, new String[] {"--model", model.toString()}));
      CompletableFuture<double[][]> cold = CompletableFuture.supplyAsync(
          () -> sequence(sim, dur, new String[] {"--no-learn"}));
      double[][] l = learning.get();
      double[][] c = cold.get();
      return new Result(runs, from, median, sigma, 0.05, l[0], l[1], c[0], c[1],
          (System.nanoTime() - t0) / 1e9);
    } catch (ExecutionException e) {
      throw new IOException("wait-learning: " + e.getCause().getMessage(), e.getCause());
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One sequence: {polls[], delay[]} per run. */
  private static double[][] sequence(SimulatorServer sim, double[] dur, String[] flags) {
    double[] polls = new double[dur.length];
    double[] delay = new double[dur.length];
    for (int i = 0; i < dur.length; i++) {
      AtomicLong detected = new AtomicLong();
      JobListener timing = new JobListener() {
        @Override
        public void completed(JobResult result) {
          detected.set(System.nanoTime());
        }
      };
      long submitted = System.nanoTime();
      String id = sim.submit(Duration.ofNanos(Math.round(dur[i] * 1e9)), JobStatus.COMPLETED);
      String[] base = {"--server", sim.url().toString(), "--job", id, "--no-webhook", "--quiet",
          "--json", "--timeout", "120s"};
      String[] args = Stream.concat(Arrays.stream(base), Arrays.stream(flags)).toArray(String[]::new);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = WaitCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), timing);
      String text = out.toString(StandardCharsets.UTF_8).strip();
      // A job that ended before wait's first look is answered without a client (no event).
      long seen = detected.get() == 0 ? System.nanoTime() : detected.get();
      if (code != 0) {
        throw new IllegalStateException("wait exited " + code + ": " + text + " "
            + err.toString(StandardCharsets.UTF_8).strip());
      }
      try {
        Map<String, Object> o = Json.parseObject(text);
        polls[i] = ((BigDecimal) o.get("polls")).doubleValue();
      } catch (JsonException | ClassCastException e) {
        throw new IllegalStateException("wait printed " + text, e);
      }
      delay[i] = Math.max(0, (seen - submitted) / 1e9 - dur[i]);
    }
    return new double[][] {polls, delay};
  }

  static String markdown(Result r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "### `wait-learning` — %d sequential `wait --no-webhook` runs, lognormal(%.1fs, %.1f) jobs%n%n",
        r.runs(), r.median(), r.sigma()));
    b.append(String.format(Locale.ROOT,
        "Each run is the `wait` command with a fresh client and schedule (in this JVM), on the same "
            + "seeded durations: learning into a state file (`--model`, what `wait` does by default "
            + "in `$XDG_STATE_HOME/vtstatus/`) against `--no-learn`, side by side. %.1f s wall. Cost = "
            + "50 ms × polls + delay.%n%n", r.seconds()));
    b.append("| runs | schedule | polls/job | mean delay | p50 delay | cost/job |\n");
    b.append("|---|---|---:|---:|---:|---:|\n");
    int[][] ranges = {{0, r.from() - 1}, {r.from() - 1, r.runs()}};
    for (int[] range : ranges) {
      String label = (range[0] + 1) + "–" + range[1];
      rows(b, label, "learning (`--model`)", r.pollsLearning(), r.delayLearning(), range, r.requestCost());
      rows(b, label, "no learning (`--no-learn`)", r.pollsCold(), r.delayCold(), range, r.requestCost());
    }
    double[] range = {r.from() - 1, r.runs()};
    double learned = cost(r.pollsLearning(), r.delayLearning(), (int) range[0], (int) range[1], r.requestCost());
    double coldCost = cost(r.pollsCold(), r.delayCold(), (int) range[0], (int) range[1], r.requestCost());
    b.append(String.format(Locale.ROOT, "%nRuns %d–%d: learning costs %.2f× what starting cold does.%n",
        r.from(), r.runs(), learned / coldCost));
    return b.toString();
  }

  private static void rows(StringBuilder b, String label, String name, double[] polls, double[] delay,
      int[] range, double c) {
    double[] p = Arrays.copyOfRange(polls, range[0], range[1]);
    double[] dl = Arrays.copyOfRange(delay, range[0], range[1]);
    b.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.0f ms | %.0f ms | %.3f s |%n", label, name,
        Stats.mean(p), Stats.mean(dl) * 1000, Stats.percentile(dl, 0.5) * 1000,
        cost(polls, delay, range[0], range[1], c)));
  }

  private static double cost(double[] polls, double[] delay, int from, int to, double c) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += c * polls[i] + delay[i];
    }
    return s / (to - from);
  }

  static String json(Result r) {
    Json.ObjectBuilder o = Json.obj().put("scenario", "wait-learning").put("runs", r.runs())
        .put("from", r.from()).put("median_s", r.median()).put("sigma", r.sigma());
    int from = r.from() - 1;
    o.put("learning_polls_per_job", Stats.mean(Arrays.copyOfRange(r.pollsLearning(), from, r.runs())));
    o.put("learning_mean_delay_s", Stats.mean(Arrays.copyOfRange(r.delayLearning(), from, r.runs())));
    o.put("cold_polls_per_job", Stats.mean(Arrays.copyOfRange(r.pollsCold(), from, r.runs())));
    o.put("cold_mean_delay_s", Stats.mean(Arrays.copyOfRange(r.delayCold(), from, r.runs())));
    o.put("seconds", r.seconds());
    return o.toString();
  }
}
