package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.json.Json;
import io.vtstatus.simulator.SimulatorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code wait --resume-file}: a retried run keeps the first run's deadline and counts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitResumeFileTest {
  @TempDir Path dir;

  /** A token as a first run would have left it: its wait began now, with a 10 minute deadline. */
  private static String firstRunToken(SimulatorServer sim, String id) {
    try (StatusClient c = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled()).build()) {
      c.watch(id, Duration.ofMinutes(10));
      return c.resumeToken(id).orElseThrow();
    }
  }

  @Test
  void aRetriedRunKeepsTheFirstRunsDeadlineAndRemovesTheFileOnAnswer() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String id = sim.submit(Duration.ofSeconds(3), JobStatus.COMPLETED);
      Path file = dir.resolve("wait.token");
      Files.writeString(file, firstRunToken(sim, id));
      // This run's own timeout would end it long before the job does: only the saved deadline
      // lets it see the answer.
      CliRun r = CliRun.of("wait", "--server", sim.url().toString(), "--job", id, "--timeout", "1s",
          "--resume-file", file.toString(), "--no-webhook", "--no-learn", "--json");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("resuming the wait saved in"), r.err());
      Map<String, Object> answer = Json.parseObject(r.lastLine());
      assertEquals("completed", Json.string(answer, "status").orElseThrow());
      assertTrue(Json.integer(answer, "waited_ms").orElseThrow() >= 1_000,
          "waited counts from the first run: " + r.lastLine());
      assertFalse(Files.exists(file), "an answer removes the file");
    }
  }

  @Test
  void theTokenIsWrittenWhenTheWaitStartsAndATimeoutRemovesIt() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      Path file = dir.resolve("wait.token");
      CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("wait",
          "--server", sim.url().toString(), "--job", id, "--timeout", "20s", "--schedule", "fixed:5s",
          "--resume-file", file.toString(), "--no-webhook", "--quiet"));
      // The first look, then the watch's first poll, a second after the watch (and the file's
      // write) began.
      assertTrue(sim.takeRequest(Duration.ofSeconds(20)).isPresent());
      assertTrue(sim.takeRequest(Duration.ofSeconds(20)).isPresent());
      String token = Files.readString(file).strip();
      assertTrue(token.startsWith("vt1."), token);
      sim.complete(id, JobStatus.ERROR);
      CliRun r = run.get(30, TimeUnit.SECONDS);
      assertEquals(1, r.code(), r.err());
      assertFalse(Files.exists(file));

      String slow = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      CliRun timedOut = CliRun.of("wait", "--server", sim.url().toString(), "--job", slow,
          "--timeout", "2s", "--resume-file", file.toString(), "--no-webhook", "--quiet");
      assertEquals(3, timedOut.code(), timedOut.err());
      assertFalse(Files.exists(file), "exit 3 removes the file");
    }
  }

  @Test
  void aTokenForAnotherJobIsReplacedNotResumed() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String other = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      String id = sim.submit(Duration.ofMillis(300), JobStatus.COMPLETED);
      Path file = dir.resolve("wait.token");
      Files.writeString(file, firstRunToken(sim, other));
      int before = sim.statusRequests(other);
      CliRun r = CliRun.of("wait", "--server", sim.url().toString(), "--job", id, "--timeout", "20s",
          "--resume-file", file.toString(), "--no-webhook", "--no-learn");
      assertEquals(0, r.code(), r.err());
      assertFalse(r.err().contains("resuming"), r.err());
      assertEquals(before, sim.statusRequests(other), "the other job's wait was not continued");
    }
  }

  @Test
  void aBlankOrDirectoryResumeFileIsAUsageError() {
    assertEquals(2, CliRun.of("wait", "--job", "x", "--resume-file", " ").code());
    CliRun d = CliRun.of("wait", "--job", "x", "--resume-file", dir.toString());
    assertEquals(2, d.code());
    assertTrue(d.err().contains("is a directory"), d.err());
  }
}
