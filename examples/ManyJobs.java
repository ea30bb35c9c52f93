import io.vtstatus.JobResult;
import io.vtstatus.StatusClient;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Watch many jobs at once with one client: watch() returns a future per job. */
public class ManyJobs {
  public static void main(String[] args) throws Exception {
    try (SimulatorServer server = SimulatorServer.builder()
            .delay(JobDurations.uniform(Duration.ofMillis(200), Duration.ofSeconds(2)))
            .errorRate(0.25)
            .build()
            .start();
        StatusClient client = StatusClient.builder(server.url()).build()) {
      List<CompletableFuture<JobResult>> watches = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        watches.add(client.watch(client.submit()));
      }
      CompletableFuture.allOf(watches.toArray(new CompletableFuture<?>[0])).join();
      long errors = watches.stream().map(CompletableFuture::join).filter(r -> !r.isCompleted()).count();
      double polls = watches.stream().mapToInt(w -> w.join().polls()).average().orElse(0);
      System.out.printf("%d jobs: %d completed, %d error; %.2f polls per job%n",
          watches.size(), watches.size() - errors, errors, polls);
    }
  }
}
