package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.ChildJvm;
import io.vtstatus.testing.NoCloseMain;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A program that never calls {@code close()} still exits: every thread the library starts is
 * a daemon, the JDK {@code HttpServer}'s dispatcher included. Checked in a child JVM, the only
 * place a non-daemon thread shows (it keeps the JVM alive after {@code main} returns).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExitTest {

  private static String run(String... args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xshare:auto", "-cp",
        System.getProperty("java.class.path"), NoCloseMain.class.getName()));
    cmd.addAll(List.of(args));
    // main returns within a second of its job ending; a leaked non-daemon thread would keep the
    // child alive for good.
    return ChildJvm.run(cmd, 60);
  }

  @Test
  void aMainThatForgetsCloseExits() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String id = sim.submit(Duration.ofMillis(500), JobStatus.COMPLETED);
      String out = run("client", sim.url().toString(), id);
      assertTrue(out.contains("COMPLETED"), out);
    }
  }

  @Test
  void theSeedSnippetExits() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder()
        .delay(io.vtstatus.simulator.JobDurations.fixed(Duration.ofMillis(500))).build().start()) {
      String out = run("seed", sim.url().toString());
      assertTrue(out.contains("COMPLETED") || out.contains("ERROR"), out);
    }
  }
}
