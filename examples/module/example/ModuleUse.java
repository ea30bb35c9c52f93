package example;

import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.StatusClient;
import io.vtstatus.simulator.SimulatorServer;
import java.time.Duration;

/** vtstatus on the module path: module {@code io.vtstatus} exports the API and the simulator. */
public class ModuleUse {
  public static void main(String[] args) throws Exception {
    try (SimulatorServer server = SimulatorServer.builder().build().start();
        StatusClient client = StatusClient.builder(server.url()).build()) {
      JobResult result = client.await(client.submit(Duration.ofMillis(300), JobStatus.COMPLETED));
      System.out.printf("module %s: job %s ended %s%n", StatusClient.class.getModule().getName(),
          result.jobId(), result.status());
    }
  }
}
