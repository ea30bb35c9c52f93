package io.vtstatus.testing;

import io.vtstatus.JobListener;
import io.vtstatus.JobStatus;
import io.vtstatus.PollSchedule;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.simulator.SimulatorServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One job ended by webhook and one by poll, against a simulator in this JVM: what a runtime
 * without {@code jdk.jfr} must still run. Prints whether the module is there and which signal
 * ended each job. Run in a child JVM by {@code WithoutFlightRecorderTest}.
 */
public final class NoJfrMain {
  private NoJfrMain() {}

  public static void main(String[] args) throws Exception {
    StringBuilder out = new StringBuilder("jfr=")
        .append(ModuleLayer.boot().findModule("jdk.jfr").isPresent());
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      CountDownLatch registered = new CountDownLatch(1);
      JobListener l = new JobListener() {
        @Override
        public void webhookRegistered(String url, Exception failure) {
          if (failure == null) {
            registered.countDown();
          }
        }
      };
      // A first poll 30 s out: only the webhook ends the job in time.
      try (StatusClient c = StatusClient.builder(sim.url()).webhook(WebhookOptions.port(0))
          .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(30))).listener(l).build()) {
        if (!registered.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("not registered");
        }
        String id = c.submit(Duration.ofMillis(50), JobStatus.COMPLETED);
        out.append(" first=").append(c.watch(id).get(20, TimeUnit.SECONDS).detectedBy());
      }
      try (StatusClient c = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
          .pollSchedule(PollSchedule.fixed(Duration.ofMillis(20))).build()) {
        String id = c.submit(Duration.ofMillis(50), JobStatus.COMPLETED);
        out.append(" second=").append(c.watch(id).get(20, TimeUnit.SECONDS).detectedBy());
      }
    }
    System.out.println(out);
  }
}
