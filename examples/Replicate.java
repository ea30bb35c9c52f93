import io.vtstatus.JobProtocol;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.StatusClient;
import io.vtstatus.simulator.SimulatorServer;
import java.net.URI;
import java.time.Duration;

/**
 * Wait on a Replicate prediction and print its output. With REPLICATE_API_TOKEN and a prediction
 * id as the argument it asks api.replicate.com; without them it asks the simulator standing in
 * for Replicate, on a free loopback port.
 */
public class Replicate {
  public static void main(String[] args) throws Exception {
    String token = System.getenv("REPLICATE_API_TOKEN");
    if (token != null && args.length == 1) {
      System.out.println(await(URI.create("https://api.replicate.com"), args[0], token));
      return;
    }
    try (SimulatorServer standIn = SimulatorServer.builder()
        .protocol(JobProtocol.replicate())
        .apiKey("r8_local_stand_in")
        .build()
        .start()) {
      // Replicate's jobs are created with its own API; the simulator's Java API stands in.
      String id = standIn.submit(Duration.ofMillis(800), JobStatus.COMPLETED);
      System.out.println(await(standIn.url(), id, "r8_local_stand_in"));
    }
  }

  private static String await(URI api, String prediction, String token) throws Exception {
    try (StatusClient client = StatusClient.builder(api)
        .protocol(JobProtocol.replicate())
        .header("Authorization", "Bearer " + token)
        .timeout(Duration.ofMinutes(31))   // Replicate ends a prediction after 30 minutes
        .build()) {
      JobResult r = client.await(prediction);
      return "prediction " + r.jobId() + " " + r.status() + " after " + r.polls() + " polls: "
          + r.output().or(r::error).orElse("(no output)");
    }
  }
}
