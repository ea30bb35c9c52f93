import io.vtstatus.JobResult;
import io.vtstatus.PollSchedule;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.time.Duration;

/** A poll schedule is a lambda: here, the server's hint if any, else 200 ms then 1 s. */
public class CustomSchedule {
  public static void main(String[] args) throws Exception {
    PollSchedule mine = ctx -> ctx.serverHint()
        .orElse(ctx.polls() < 3 ? Duration.ofMillis(200) : Duration.ofSeconds(1));
    try (SimulatorServer server = SimulatorServer.builder()
            .delay(JobDurations.fixed(Duration.ofMillis(1500)))
            .build()
            .start();
        StatusClient client = StatusClient.builder(server.url())
            .webhook(WebhookOptions.disabled()) // polling only, to see the schedule at work
            .pollSchedule(mine)
            .build()) {
      JobResult result = client.await(client.submit());
      System.out.printf("job %s: %s after %d polls%n", result.jobId(), result.status(), result.polls());
    }
  }
}
