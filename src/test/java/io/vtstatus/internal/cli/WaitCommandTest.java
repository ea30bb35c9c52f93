package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.simulator.SimulatorServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code vtstatus wait}: output and exit codes, against the simulator. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitCommandTest {
  private static SimulatorServer sim;

  @BeforeAll
  static void start() throws Exception {
    sim = SimulatorServer.builder().delay(io.vtstatus.simulator.JobDurations.uniform(Duration.ofMillis(100), Duration.ofMillis(400))).build().start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void completedJobExitsZero() {
    String id = sim.submit(Duration.ofMillis(100), JobStatus.COMPLETED);
    CliRun r = run("wait", "--server", sim.url().toString(), "--job", id, "--timeout", "20s");
    assertEquals(0, r.code(), r.err());
    assertEquals("completed", r.lastLine());
    assertTrue(r.err().contains(id), r.err());
    assertWatched(id);
  }

  /** Proof that {@code wait} asked about {@code id}, and never fell back to the default job. */
  private static void assertWatched(String id) {
    assertTrue(sim.statusRequests(id) >= 1, "wait never polled " + id);
    assertEquals(0, sim.statusRequests("default"), "wait polled the default job");
  }

  @Test
  void erroredJobExitsOneWithJson() {
    String id = sim.submit(Duration.ofMillis(100), JobStatus.ERROR);
    CliRun r = run("wait", "--server", sim.url().toString(), "--job", id, "--json", "--quiet",
        "--schedule", "fixed:50ms", "--no-webhook");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.lastLine().startsWith("{\"job\":\"" + id + "\",\"status\":\"error\",\"detected_by\":\"poll\""),
        r.lastLine());
    assertEquals("", r.err());
    assertWatched(id);
  }

  @Test
  void withoutAJobItSubmitsOne() throws Exception {
    int jobs = sim.jobCount();
    CliRun r = run("wait", "--server", sim.url().toString(), "--timeout", "60s", "--quiet", "--json");
    // This simulator ends jobs completed (error rate 0).
    assertEquals(0, r.code(), r.err());
    assertEquals(jobs + 1, sim.jobCount(), "one job submitted");
    String id = io.vtstatus.internal.json.Json.string(
        io.vtstatus.internal.json.Json.parseObject(r.lastLine()), "job").orElseThrow();
    assertEquals(java.util.Optional.of(JobStatus.COMPLETED), sim.status(id), r.lastLine());
    assertWatched(id);
  }

  @Test
  void timeoutExitsThree() {
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    // 2 s, not less: the message names the last status seen, so an answer must come back in
    // time; at 300 ms a machine loaded to 11 times its cores once got none.
    CliRun r = run("wait", "--server", sim.url().toString(), "--job", id, "--timeout", "2s",
        "--schedule", "fixed:50ms", "--no-webhook");
    assertEquals(3, r.code(), r.err());
    assertEquals("timeout", r.lastLine());
    assertTrue(r.err().contains("last status seen: pending"), r.err());
    assertWatched(id);
  }

  @Test
  void unknownJobAndUnreachableServerExitFour() throws Exception {
    CliRun unknown = run("wait", "--server", sim.url().toString(), "--job", "nope", "--no-webhook");
    assertEquals(4, unknown.code(), unknown.err());
    // Bound but never listening, and kept so: refused, and no other process can take the port.
    try (Socket refusing = new Socket()) {
      refusing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      CliRun down = run("wait", "--server", "http://127.0.0.1:" + refusing.getLocalPort(), "--job", "x",
          "--no-webhook", "--timeout", "1s", "--schedule", "fixed:100ms");
      assertEquals(4, down.code(), down.err());
      assertTrue(down.err().contains("unreachable"), down.err());
      // The JDK client's ConnectException has no message (17 and 25 alike): the output says
      // what failed instead of "null".
      assertFalse(down.err().contains("null"), down.err());
    }
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(2, run("wait", "--frobnicate").code());
    assertEquals(2, run("wait", "--timeout", "soon").code());
    assertEquals(2, run("wait", "--schedule", "sometimes").code());
    assertEquals(2, run("wait", "--job", "bad id!").code());
    assertEquals(2, run("wait", "--no-webhook", "--webhook-port", "9").code());
    assertEquals(2, run("nonsense").code());
    CliRun help = run("wait", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Exit codes"));
  }
}
