package io.vtstatus.internal.cli;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobProtocol;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.util.Durations;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code vtstatus demo}: a simulator and a client on free loopback ports, several jobs at once,
 * a line per event and a closing table. The first thing a newcomer runs.
 */
final class DemoCommand {
  static final String HELP = String.join("\n",
      "usage: vtstatus demo [--jobs 6] [--delay 1s..5s] [--error-rate 0.2] [--drop-webhooks 0.3]",
      "                     [--seed N] [--protocol NAME]",
      "Starts the simulator and a client on free loopback ports, submits the jobs at once and",
      "shows each one end, by webhook or by poll, with its detection delay and polls.",
      "--protocol replicate|openai-batch|heygen-translate|assemblyai: the simulator stands in",
      "for that API and the client waits on it with that profile (polling only).");

  private DemoCommand() {}

  static int run(String[] argv, PrintStream out, PrintStream err) {
    int jobs;
    JobDurations delay;
    double errorRate;
    double drop;
    Long seed;
    JobProtocol protocol;
    try {
      Args a = Args.parse(argv, Set.of("jobs", "delay", "error-rate", "drop-webhooks", "seed",
          "protocol"), Set.of("help"));
      if (a.has("help")) {
        out.println(HELP);
        return 0;
      }
      if (!a.positional().isEmpty()) {
        throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
      }
      jobs = a.integer("jobs", 6, 1, 10_000);
      try {
        delay = JobDurations.parse(a.get("delay", "1s..5s"));
      } catch (IllegalArgumentException e) {
        throw new Args.UsageException("--delay: " + e.getMessage());
      }
      errorRate = a.fraction("error-rate", 0.2);
      drop = a.fraction("drop-webhooks", 0.3);
      seed = a.has("seed") ? (long) a.integer("seed", 0, Integer.MIN_VALUE, Integer.MAX_VALUE) : null;
      protocol = CliProtocols.named(a.get("protocol", "vtstatus"));
      if (protocol == null) {
        throw new Args.UsageException("--protocol " + Args.printable(a.get("protocol").get())
            + ": want one of " + String.join(", ", CliProtocols.NAMES));
      }
    } catch (Args.UsageException e) {
      err.println("vtstatus demo: " + e.getMessage());
      return 2;
    }
    boolean builtin = protocol.statusPointer().isEmpty();
    SimulatorServer.Builder sb = SimulatorServer.builder()
        .protocol(protocol)
        .delay(delay)
        .errorRate(errorRate)
        .dropWebhooks(drop);
    if (seed != null) {
      sb.seed(seed);
    }
    long t0 = System.nanoTime();
    try (SimulatorServer sim = sb.build().start();
         StatusClient client = StatusClient.builder(sim.url())
             .protocol(protocol)
             .webhook(builtin ? WebhookOptions.port(0) : WebhookOptions.disabled())
             .timeout(Duration.ofSeconds(60))
             .listener(new ProgressLines(out, t0))
             .build()) {
      out.println("simulator at " + sim.url() + (builtin ? "" : " standing in for " + protocol.name()
          + " (GET " + protocol.statusUrl() + ")") + "; jobs take " + a(delay) + ", " + pct(errorRate)
          + " end in error, " + pct(drop) + " of webhook attempts dropped");
      out.println("client listening for webhooks at " + client.webhookUrl().map(Object::toString).orElse("(none)"));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        // Other APIs' jobs are created with their own SDKs; the simulator's Java API stands in.
        ids.add(builtin ? client.submit() : sim.submit());
      }
      out.println("submitted " + jobs + " jobs; waiting for all of them");
      List<CompletableFuture<JobResult>> fs = new ArrayList<>();
      List<Instant> started = new ArrayList<>();
      for (String id : ids) {
        started.add(Instant.now());
        fs.add(client.watch(id));
      }
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        JobResult r = fs.get(i).get(90, TimeUnit.SECONDS);
        Instant detectedAt = started.get(i).plus(r.waited());
        rows.add(new Row(r, r.updatedAt().map(u -> Duration.between(u, detectedAt))));
      }
      table(out, rows, Duration.ofNanos(System.nanoTime() - t0));
      return 0;
    } catch (IOException e) {
      err.println("vtstatus demo: " + e.getMessage());
      return 4;
    } catch (ExecutionException | TimeoutException e) {
      err.println("vtstatus demo: a job did not resolve: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 3;
    }
  }

  private static String a(JobDurations d) {
    return d.toString();
  }

  private static String pct(double d) {
    return String.format(Locale.ROOT, "%.0f%%", d * 100);
  }

  private record Row(JobResult result, java.util.Optional<Duration> delay) {}

  private static void table(PrintStream out, List<Row> rows, Duration total) {
    out.println();
    out.printf("%-22s %-10s %-9s %9s %6s%n", "job", "outcome", "detected", "delay", "polls");
    int polls = 0;
    int byHook = 0;
    int errors = 0;
    List<Long> delays = new ArrayList<>();
    for (Row r : rows) {
      JobResult j = r.result();
      polls += j.polls();
      byHook += j.detectedBy() == DetectedBy.WEBHOOK ? 1 : 0;
      errors += j.status() == JobStatus.ERROR ? 1 : 0;
      r.delay().ifPresent(d -> delays.add(Math.max(0, d.toNanos())));
      out.printf("%-22s %-10s %-9s %9s %6d%n", j.jobId(), j.status().wireName(),
          j.detectedBy().wireName(),
          r.delay().map(d -> Durations.format(d.isNegative() ? Duration.ZERO : d)).orElse("?"), j.polls());
    }
    delays.sort(null);
    String median = delays.isEmpty() ? "?" : Durations.format(Duration.ofNanos(delays.get(delays.size() / 2)));
    out.printf("%ntotal: %d jobs (%d completed, %d error) in %s; %d by webhook, %d by poll;%n",
        rows.size(), rows.size() - errors, errors, Durations.format(total), byHook, rows.size() - byHook);
    out.printf("       %.2f polls per job; median detection delay %s (from the server's updated_at)%n",
        (double) polls / rows.size(), median);
  }
}
