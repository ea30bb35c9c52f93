import io.vtstatus.JobResult;
import io.vtstatus.StatusClient;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.time.Duration;

/** Wait for one job: submit it, block until it ends, print how we found out. */
public class OneJob {
  public static void main(String[] args) throws Exception {
    try (SimulatorServer server = SimulatorServer.builder()
            .delay(JobDurations.uniform(Duration.ofMillis(500), Duration.ofSeconds(2)))
            .build()
            .start();
        StatusClient client = StatusClient.builder(server.url()).build()) {
      String job = client.submit();
      JobResult result = client.await(job);
      System.out.printf("job %s ended %s, detected by %s after %d polls and %d ms%n",
          result.jobId(), result.status(), result.detectedBy(), result.polls(),
          result.waited().toMillis());
    }
  }
}
