package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Recorder;
import io.vtstatus.testing.ThreadLeaks;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The promise under faults: every watched job resolves exactly once, with the status the server
 * actually has, or fails with the documented error — and nothing is left running.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FaultMatrixTest {
  static final int JOBS = 200;

  enum Fault {
    WEBHOOKS_DROPPED_ALL,
    WEBHOOKS_DROPPED_HALF,
    LISTENER_DOWN,
    STATUS_503_30_PERCENT,
    STATUS_429_RETRY_AFTER,
    LATENCY_200_500_MS,
    DUPLICATED_WEBHOOKS,
    WEBHOOKS_BEFORE_WATCH,
    SIMULATOR_RESTARTED
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void everyJobResolvesExactlyOnceWithTheTrueOutcome(Fault fault) throws Exception {
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    SimulatorServer.Builder sb = SimulatorServer.builder().seed(fault.ordinal()).errorRate(0.3)
        .delay(JobDurations.uniform(Duration.ofMillis(50), Duration.ofMillis(800)));
    switch (fault) {
      case WEBHOOKS_DROPPED_ALL: sb.dropWebhooks(1.0); break;
      case WEBHOOKS_DROPPED_HALF: sb.dropWebhooks(0.5); break;
      case STATUS_503_30_PERCENT: sb.failRate(0.3); break;
      case STATUS_429_RETRY_AFTER: sb.throttleRate(0.3); break;
      case LATENCY_200_500_MS: sb.latency(Duration.ofMillis(200), Duration.ofMillis(500)); break;
      case DUPLICATED_WEBHOOKS: sb.duplicateWebhooks(1.0); break;
      default: break;
    }
    SimulatorServer sim = sb.build().start();
    Recorder rec = new Recorder();
    StatusClient.Builder cb = StatusClient.builder(sim.url()).listener(rec).timeout(Duration.ofSeconds(90));
    // Faults of the status endpoint are only exercised if polls carry the load: no webhooks.
    boolean pollOnly = fault == Fault.STATUS_503_30_PERCENT || fault == Fault.STATUS_429_RETRY_AFTER
        || fault == Fault.LATENCY_200_500_MS;
    if (pollOnly) {
      cb.webhook(WebhookOptions.disabled());
    }
    if (fault == Fault.LISTENER_DOWN) {
      int closed;
      try (ServerSocket s = new ServerSocket(0)) {
        closed = s.getLocalPort();
      }
      cb.webhook(WebhookOptions.port(0).publicUrl(URI.create("http://127.0.0.1:" + closed + "/webhook")));
    }
    Map<String, CompletableFuture<JobResult>> watches = new LinkedHashMap<>();
    Map<String, JobStatus> truth = new LinkedHashMap<>();
    SimulatorServer restarted = null;
    try (StatusClient client = cb.build()) {
      if (!pollOnly) {
        assertEquals("ok", rec.awaitRegistration(Duration.ofSeconds(10)));
      }
      List<String> ids = new ArrayList<>();
      if (fault == Fault.WEBHOOKS_BEFORE_WATCH) {
        for (int i = 0; i < JOBS; i++) {
          ids.add(sim.submit(Duration.ZERO, i % 3 == 0 ? JobStatus.ERROR : JobStatus.COMPLETED));
        }
        for (int i = 0; i < JOBS; i++) {
          assertTrue(sim.takeDelivery(Duration.ofSeconds(20)).isPresent());
        }
      } else {
        for (int i = 0; i < JOBS; i++) {
          ids.add(sim.submit());
        }
      }
      for (String id : ids) {
        watches.put(id, client.watch(id));
      }
      if (fault == Fault.SIMULATOR_RESTARTED) {
        // Let some jobs end, then replace the server by one that knows none of them.
        int port = sim.port();
        CompletableFuture.anyOf(watches.values().toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        sim.close();
        // Read after close: a job may end (and send its webhook) up to the moment the server
        // stops. A job still pending now never told anyone it ended.
        for (String id : watches.keySet()) {
          truth.put(id, sim.status(id).orElseThrow());
        }
        restarted = SimulatorServer.builder().port(port).build().start();
      }
      CompletableFuture.allOf(watches.values().stream()
          .map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture<?>[]::new)).get(200, TimeUnit.SECONDS);
      int notFound = 0;
      for (Map.Entry<String, CompletableFuture<JobResult>> e : watches.entrySet()) {
        String id = e.getKey();
        assertEquals(1, rec.endings(id), "job " + id + " ended more or less than once");
        try {
          JobResult r = e.getValue().get();
          JobStatus expected = fault == Fault.SIMULATOR_RESTARTED ? truth.get(id) : sim.status(id).orElseThrow();
          if (fault == Fault.SIMULATOR_RESTARTED && expected == JobStatus.PENDING) {
            throw new AssertionError("job " + id + " resolved " + r + " though it was pending at restart");
          }
          assertEquals(expected, r.status(), id);
          if (fault == Fault.WEBHOOKS_BEFORE_WATCH) {
            assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
            assertEquals(0, r.polls());
          }
        } catch (ExecutionException ex) {
          // The one documented error here: a restarted server no longer knows the job.
          assertEquals(Fault.SIMULATOR_RESTARTED, fault, id + ": " + ex.getCause());
          assertInstanceOf(JobNotFoundException.class, ex.getCause(), id);
          notFound++;
        }
      }
      if (fault == Fault.SIMULATOR_RESTARTED) {
        assertTrue(notFound > 0 && notFound < JOBS, "not found: " + notFound);
      }
      if (fault == Fault.STATUS_503_30_PERCENT || fault == Fault.STATUS_429_RETRY_AFTER) {
        assertTrue(rec.pollFailures.get() > 0, "the fault was never met");
      }
      System.out.printf("fault %-24s jobs %d, lost 0, duplicated 0, by webhook %d, polls answered %d (%.2f/job), failed %d%s%n",
          fault, watches.size(), watches.values().stream().filter(f -> !f.isCompletedExceptionally()
              && f.join().detectedBy() == DetectedBy.WEBHOOK).count(), rec.polls.get(),
          rec.polls.get() / (double) watches.size(), rec.pollFailures.get(), fault == Fault.SIMULATOR_RESTARTED
              ? ", not found after restart " + notFound : "");
    } finally {
      sim.close();
      if (restarted != null) {
        restarted.close();
      }
    }
    assertEquals(JOBS, watches.size());
    leaks.assertNoNewThreads(ThreadLeaks.JDK17_HTTP_CLIENT_GRACE);
  }
}
