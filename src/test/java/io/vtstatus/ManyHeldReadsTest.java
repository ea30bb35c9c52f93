package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.ThreadLeaks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Held reads go out beside the request permits and hold no request thread: with two permits, a
 * client holds 200 reads at once on one simulator, and every job is detected once when it ends.
 * (The 10,000-read run is a benchmark: {@code make bench ARGS='--scenario longpoll --held ...'}.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManyHeldReadsTest {
  private static final int JOBS = 200;

  /** Each job's completions as the listener saw them. */
  static final class Completions implements JobListener {
    final Map<String, AtomicInteger> byJob = new ConcurrentHashMap<>();
    final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void completed(JobResult result) {
      byJob.computeIfAbsent(result.jobId(), k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void failed(String jobId, Throwable failure, Duration waited) {
      failures.add(failure);
    }
  }

  private static long requestThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("vtstatus-http-") && !t.getName().startsWith("vtstatus-http-io"))
        .count();
  }

  /** Polls {@code sim} (10 ms apart) until it holds {@code n} reads; the count it reached. */
  private static int awaitHeld(SimulatorServer sim, int n, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    int held;
    while ((held = sim.heldReads()) < n && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return held;
  }

  @Test
  void maxHeldReadsTakesZeroToAMillionAndSaysWhatItRefused() {
    StatusClient.Builder b = StatusClient.builder(java.net.URI.create("http://127.0.0.1:1"));
    b.maxHeldReads(0).maxHeldReads(1_000_000);
    for (int bad : new int[] {-1, 1_000_001, Integer.MIN_VALUE}) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> b.maxHeldReads(bad));
      assertEquals("Invalid maxHeldReads: " + bad, e.getMessage());
    }
  }

  @Test
  void twoHundredReadsAreHeldAtOnceWithTwoRequestPermits() throws Exception {
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    Completions seen = new Completions();
    List<String> ids = new ArrayList<>();
    List<CompletableFuture<JobResult>> watches = new ArrayList<>();
    long maxRequestThreads;
    try (SimulatorServer sim = SimulatorServer.builder().maxWait(Duration.ofSeconds(50)).build().start();
        StatusClient c = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
            .maxConcurrentRequests(2).listener(seen).build()) {
      for (int i = 0; i < JOBS; i++) {
        String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
        ids.add(id);
        watches.add(c.watch(id, Duration.ofMinutes(2)));
      }
      assertEquals(JOBS, awaitHeld(sim, JOBS, Duration.ofSeconds(60)), "reads held at once");
      maxRequestThreads = requestThreads();
      for (String id : ids) {
        sim.complete(id, JobStatus.COMPLETED);
      }
      for (CompletableFuture<JobResult> f : watches) {
        JobResult r = f.get(60, TimeUnit.SECONDS);
        assertEquals(JobStatus.COMPLETED, r.status());
        assertEquals(DetectedBy.POLL, r.detectedBy());
      }
      for (String id : ids) {
        // The 1 s probe (only for reads sent before the server was seen holding one), the held
        // read answered at the job's end.
        int reads = sim.statusRequests(id);
        assertTrue(reads >= 1 && reads <= 3, id + " read " + reads + " times");
      }
    }
    assertEquals(List.of(), seen.failures);
    assertEquals(JOBS, seen.byJob.size());
    seen.byJob.forEach((id, n) -> assertEquals(1, n.get(), id + " completed " + n + " times"));
    assertTrue(maxRequestThreads <= 4, maxRequestThreads + " request threads (2 permits + 2)");
    leaks.assertNoNewThreads();
  }
}
