package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.simulator.SimulatorServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vtstatus wait} learns across runs: per-server file, {@code --model}, {@code --no-learn}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitLearningTest {
  private static SimulatorServer sim;

  @TempDir
  Path state;
  private String before;

  @BeforeAll
  static void start() throws Exception {
    sim = SimulatorServer.builder().build().start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void pointTheStateDirectoryHere() {
    before = System.getProperty(LearningFiles.PROPERTY);
    System.setProperty(LearningFiles.PROPERTY, state.toString());
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(LearningFiles.PROPERTY);
    } else {
      System.setProperty(LearningFiles.PROPERTY, before);
    }
  }

  /**
   * Waits for a job that is still running at wait's first look, whatever the machine's speed
   * (a job found ended by the first look is answered without a schedule, so nothing is learned),
   * and at the client's first poll after it (a job that ended before the client's watch began
   * teaches no duration): the job ends only once the server has answered both.
   */
  private CliRun waitFor(String... extra) {
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    String[] base = {"wait", "--server", sim.url().toString(), "--job", id, "--no-webhook",
        "--timeout", "20s"};
    String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
    CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of(args));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (sim.statusRequests(id) < 2 && System.nanoTime() < deadline) {
        sim.takeRequest(Duration.ofMillis(50)); // blocks until a request arrives (or 50 ms)
      }
      assertTrue(sim.statusRequests(id) >= 2, "wait never polled " + id + " after its first look");
      sim.complete(id, JobStatus.COMPLETED);
      CliRun r = run.get(20, TimeUnit.SECONDS);
      assertEquals(0, r.code(), r.err());
      return r;
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("wait did not finish", e);
    }
  }

  private List<Path> files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void everyRunAddsToOneFilePerServer() throws IOException {
    for (int i = 0; i < 3; i++) {
      CliRun r = waitFor();
      assertTrue(r.err().contains("learning in " + state), r.err());
    }
    List<Path> f = files(state);
    assertEquals(1, f.size(), f.toString());
    Path expected = LearningFiles.forServer(state, sim.url());
    assertEquals(expected, f.get(0));
    assertTrue(f.get(0).getFileName().toString().startsWith("127.0.0.1-" + sim.url().getPort() + "-"));
    assertTrue(Files.readString(f.get(0)).contains("\"jobs_ended\": 3,"), Files.readString(f.get(0)));
  }

  @Test
  void modelNamesTheFileAndNoLearnWritesNothing() throws IOException {
    Path model = state.resolve("elsewhere").resolve("jobs.json");
    waitFor("--model", model.toString(), "--quiet");
    waitFor("--model", model.toString(), "--quiet");
    assertTrue(Files.readString(model).contains("\"jobs_ended\": 2,"));
    waitFor("--no-learn");
    assertEquals(List.of(state.resolve("elsewhere")), files(state), "nothing in the default place");
  }

  @Test
  void aDamagedModelWarnsOnceAndTheWaitSucceeds() throws IOException {
    Path model = state.resolve("jobs.json");
    Files.writeString(model, "{\"format\": \"vtstatus-adaptive-state\", ");
    CliRun r = waitFor("--model", model.toString(), "--quiet");
    assertEquals("completed", r.lastLine());
    assertEquals(1, r.err().lines().filter(l -> l.contains("warning")).count(), r.err());
    assertTrue(r.err().contains("damaged"), r.err());
    assertTrue(Files.readString(model).contains("\"jobs_ended\": 1,"), "rewritten");
  }

  @Test
  void aForeignFileIsNotTouched() throws IOException {
    Path model = state.resolve("notes.json");
    Files.writeString(model, "{\"todo\": [\"buy milk\"]}");
    CliRun r = waitFor("--model", model.toString(), "--quiet");
    assertTrue(r.err().contains("leaving it alone"), r.err());
    assertEquals("{\"todo\": [\"buy milk\"]}", Files.readString(model));
  }

  @Test
  void learningFlagsAreCheckedUpFront() {
    String url = sim.url().toString();
    CliRun both = CliRun.of("wait", "--server", url, "--model", "x.json", "--no-learn");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("exclude each other"), both.err());
    CliRun fixed = CliRun.of("wait", "--server", url, "--schedule", "fixed:1s", "--model", "x.json");
    assertEquals(2, fixed.code());
    assertTrue(fixed.err().contains("adaptive"), fixed.err());
    CliRun dir = CliRun.of("wait", "--server", url, "--model", state.toString());
    assertEquals(2, dir.code());
    assertTrue(dir.err().contains("directory"), dir.err());
  }

  @Test
  void aFixedScheduleLearnsNothing() throws IOException {
    waitFor("--schedule", "fixed:50ms");
    assertTrue(files(state).isEmpty());
  }

  @Test
  void theStateDirectoryFollowsXdgAndCanBeMovedForTests() {
    assertEquals(Path.of("/p"), LearningFiles.directory(Map.of("XDG_STATE_HOME", "/x"), "/p", "/home/u"));
    assertEquals(Path.of("/e"), LearningFiles.directory(
        Map.of(LearningFiles.ENV, "/e", "XDG_STATE_HOME", "/x"), null, "/home/u"));
    assertEquals(Path.of("/x/vtstatus"), LearningFiles.directory(Map.of("XDG_STATE_HOME", "/x"), null, "/home/u"));
    assertEquals(Path.of("/home/u/.local/state/vtstatus"),
        LearningFiles.directory(Map.of("XDG_STATE_HOME", "relative/is/ignored"), null, "/home/u"));
    assertEquals(Path.of("/home/u/.local/state/vtstatus"), LearningFiles.directory(Map.of(), "", "/home/u"));
    Path a = LearningFiles.forServer(Path.of("/s"), URI.create("http://[::1]:8080"));
    Path b = LearningFiles.forServer(Path.of("/s"), URI.create("http://[::1]:8080/other"));
    assertFalse(a.equals(b), "one file per server URL");
    assertTrue(a.getFileName().toString().matches("[A-Za-z0-9.-]+-8080-[0-9a-f]{8}\\.json"), a.toString());
    assertEquals(LearningFiles.forServer(Path.of("/s"), URI.create("https://example.test")).getFileName()
        .toString().substring(0, 17), "example.test-443-");
  }
}
