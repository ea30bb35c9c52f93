package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.RecordedRequest;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.CuttingRelay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Long polls end to end: a client, the simulator holding reads, and a path that cuts them. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LongPollTest {
  @RegisterExtension final Closer closer = new Closer();

  /** What a user would see go wrong, and the cuts reported. */
  static final class Seen implements JobListener {
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final List<Exception> pollFailures = new CopyOnWriteArrayList<>();
    final List<Duration> cuts = new CopyOnWriteArrayList<>();

    @Override
    public void pollFailed(String jobId, int attempt, Exception failure) {
      pollFailures.add(failure);
    }

    @Override
    public void failed(String jobId, Throwable failure, Duration waited) {
      failures.add(failure);
    }

    @Override
    public void longPollCut(Duration heldFor, Duration nowWait) {
      cuts.add(nowWait);
    }
  }

  private SimulatorServer holdingSimulator() throws Exception {
    return closer.add(SimulatorServer.builder().maxWait(Duration.ofSeconds(50)).build().start());
  }

  @Test
  void aHeldReadEndsWhenTheJobEndsAfterOneShortProbe() throws Exception {
    SimulatorServer sim = holdingSimulator();
    StatusClient c = closer.add(StatusClient.builder(sim.url())
        .webhook(WebhookOptions.disabled()).build());
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> f = c.watch(id);
    // Until this server is seen holding a read, a read asks for a second only (it holds a
    // request permit); held once, the next asks for the whole cap.
    assertEquals("wait=1", sim.takeRequest(Duration.ofSeconds(10)).orElseThrow().header("Prefer"));
    assertEquals("wait=50", sim.takeRequest(Duration.ofSeconds(10)).orElseThrow().header("Prefer"));
    sim.complete(id, JobStatus.COMPLETED);
    JobResult r = f.get(20, TimeUnit.SECONDS);
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(2, sim.statusRequests(id), "the probe, then held once and answered at the end");
    // A later watch on the same client holds its first read at once.
    String next = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> g = c.watch(next);
    assertEquals("wait=50", sim.takeRequest(Duration.ofSeconds(10)).orElseThrow().header("Prefer"));
    sim.complete(next, JobStatus.COMPLETED);
    assertEquals(JobStatus.COMPLETED, g.get(20, TimeUnit.SECONDS).status());
    assertEquals(1, sim.statusRequests(next), "held once, answered at the end");
  }

  @Test
  void aPathThatCutsHeldReadsAfter2sLosesNoJobAndSurfacesNoError() throws Exception {
    SimulatorServer sim = holdingSimulator();
    CuttingRelay relay = closer.add(CuttingRelay.start(sim.url(), Duration.ofSeconds(2)));
    Seen seen = new Seen();
    StatusClient c = closer.add(StatusClient.builder(relay.url())
        .webhook(WebhookOptions.disabled()).listener(seen).build());
    List<String> ids = new ArrayList<>();
    List<CompletableFuture<JobResult>> watches = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String id = sim.submit(Duration.ofMillis(3_000 + 1_000 * i), JobStatus.COMPLETED);
      ids.add(id);
      watches.add(c.watch(id, Duration.ofSeconds(60)));
    }
    for (CompletableFuture<JobResult> f : watches) {
      assertEquals(JobStatus.COMPLETED, f.get(60, TimeUnit.SECONDS).status());
    }
    assertTrue(relay.cuts() >= 1, "the path did cut");
    assertEquals(List.of(), seen.failures);
    assertEquals(List.of(Duration.ofSeconds(1)), seen.cuts, "reported once, held below 2 s since");
    for (int i = 0; i < ids.size(); i++) {
      int seconds = 3 + i;
      // The cut read, one held read per second the job ran after it, the last, and slack for
      // reads refused while their connection was being cut.
      int bound = seconds + 4;
      int reads = sim.statusRequests(ids.get(i));
      assertTrue(reads <= bound, ids.get(i) + " took " + reads + " reads, more than " + bound);
    }
  }

  @Test
  void aHeldReadKeepsTheWatchDeadline() throws Exception {
    SimulatorServer sim = holdingSimulator();
    StatusClient c = closer.add(StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
        .requestTimeout(Duration.ofSeconds(1)).build());
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> f = c.watch(id, Duration.ofSeconds(4));
    assertEquals("wait=1", sim.takeRequest(Duration.ofSeconds(10)).orElseThrow().header("Prefer"),
        "the probe");
    // The promise: a 4 s watch ends by its deadline, whatever the server holds.
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(6, TimeUnit.SECONDS));
    assertInstanceOf(JobTimeoutException.class, e.getCause());
    // Each later read asked for at most the time left less the request timeout (under 3 s); how
    // many there were depends on when the first went out.
    for (Optional<RecordedRequest> r = sim.takeRequest(Duration.ZERO); r.isPresent();
        r = sim.takeRequest(Duration.ZERO)) {
      String prefer = r.get().header("Prefer");
      assertTrue(prefer == null || prefer.equals("wait=1") || prefer.equals("wait=2"),
          "at most the 3 s left less the request timeout: " + prefer);
    }
  }

  @Test
  void longPollTakesWholeSecondsUpToAnHour() {
    StatusClient.Builder b = StatusClient.builder(java.net.URI.create("http://127.0.0.1:1"));
    for (Duration bad : List.of(Duration.ofMillis(500), Duration.ofSeconds(-1), Duration.ofHours(2))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.longPoll(bad));
      assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> b.longPoll(null));
  }
}
