import io.vtstatus.DetectedBy;
import io.vtstatus.JobListener;
import io.vtstatus.JobResult;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * 1,000 jobs at once on one client, with and without webhooks: polls per job and detection delay
 * (from the server's updated_at). Run: java -cp target/vtstatus.jar src/bench/programs/ThousandJobs.java [on|off]
 * (both by default; "off" is the cold polling-only burst alone). Each pass has a fresh client, so
 * its schedule starts cold: it has seen no job finish when all 1,000 start.
 */
public class ThousandJobs {
  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "both" : args[0];
    boolean[] passes = switch (which) {
      case "both" -> new boolean[] {true, false};
      case "on" -> new boolean[] {true};
      case "off" -> new boolean[] {false};
      default -> throw new IllegalArgumentException("want on, off or nothing, not '" + which + "'");
    };
    for (boolean webhooks : passes) {
      CountDownLatch registered = new CountDownLatch(webhooks ? 1 : 0);
      try (SimulatorServer sim = SimulatorServer.builder().seed(1).errorRate(0.2)
              .delay(JobDurations.uniform(Duration.ofSeconds(1), Duration.ofSeconds(5))).build().start();
          StatusClient client = StatusClient.builder(sim.url())
              .webhook(webhooks ? WebhookOptions.port(0) : WebhookOptions.disabled())
              .listener(new JobListener() {
                @Override
                public void webhookRegistered(String url, Exception failure) {
                  registered.countDown();
                }
              })
              .build()) {
        registered.await(10, TimeUnit.SECONDS);
        List<CompletableFuture<JobResult>> watches = new ArrayList<>();
        List<Instant> started = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          String id = sim.submit();
          started.add(Instant.now());
          watches.add(client.watch(id));
        }
        CompletableFuture.allOf(watches.toArray(new CompletableFuture<?>[0])).get();
        double[] delays = new double[1000];
        long polls = 0;
        int byWebhook = 0;
        for (int i = 0; i < 1000; i++) {
          JobResult r = watches.get(i).get();
          polls += r.polls();
          byWebhook += r.detectedBy() == DetectedBy.WEBHOOK ? 1 : 0;
          Instant detected = started.get(i).plus(r.waited());
          delays[i] = Math.max(0, Duration.between(r.updatedAt().orElseThrow(), detected).toNanos() / 1e6);
        }
        Arrays.sort(delays);
        System.out.printf("webhooks %-3s: 1000 jobs, %d by webhook, %.2f polls/job, delay p50 %.1f ms, p99 %.1f ms%n",
            webhooks ? "on" : "off", byWebhook, polls / 1000.0, delays[500], delays[990]);
      }
    }
  }
}
