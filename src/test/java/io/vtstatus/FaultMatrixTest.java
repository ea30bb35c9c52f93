package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.simulator.WebhookDelivery;
import io.vtstatus.testing.Recorder;
import io.vtstatus.testing.ThreadLeaks;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The promise under faults: every watched job resolves exactly once, with the status the server
 * actually has, or fails with the documented error — and nothing is left running.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@Execution(ExecutionMode.CONCURRENT)
class FaultMatrixTest {
  static final int JOBS = 200;
  /**
   * Per watch. Jobs last at most 0.8 s; the slowest path is a lost webhook found by the safety-net
   * poll at 5 s (±10 %), or a run of 503s: the client's backoff after the n-th failure in a row is
   * uniform up to min(30 s, 0.25 s × 2^n), so six in a row (at 30 %, some job of 200 in about
   * one run in seven) can wait up to 31 s in all; 25 s failed 2 runs of 6 on a loaded machine.
   * 60 s is far beyond any run seen and still fails a client that stopped polling.
   */
  static final Duration WATCH_TIMEOUT = Duration.ofSeconds(60);

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

  /**
   * The faults run at once (each case has its own simulator and client, and waits mostly on the
   * wall clock), so threads are checked once, for all of them: this class's test JVM runs nothing
   * else meanwhile (pom.xml: a JVM per concurrent test class).
   */
  private static ThreadLeaks leaks;

  @BeforeAll
  static void snapshotThreads() {
    leaks = ThreadLeaks.snapshot();
  }

  @AfterAll
  static void everyFaultLeftNoThread() throws InterruptedException {
    leaks.assertNoNewThreads();
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void everyJobResolvesExactlyOnceWithTheTrueOutcome(Fault fault) throws Exception {
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
    StatusClient.Builder cb = StatusClient.builder(sim.url()).listener(rec).timeout(WATCH_TIMEOUT);
    // Faults of the status endpoint are only exercised if polls carry the load: no webhooks.
    boolean pollOnly = fault == Fault.STATUS_503_30_PERCENT || fault == Fault.STATUS_429_RETRY_AFTER
        || fault == Fault.LATENCY_200_500_MS;
    if (pollOnly) {
      cb.webhook(WebhookOptions.disabled());
    }
    // Bound but never listening: connections are refused, and no other process can take the port.
    Socket deadListener = new Socket();
    deadListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    if (fault == Fault.LISTENER_DOWN) {
      cb.webhook(WebhookOptions.port(0).publicUrl(
          URI.create("http://127.0.0.1:" + deadListener.getLocalPort() + "/webhook")));
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
          .map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture<?>[]::new))
          .get(WATCH_TIMEOUT.toSeconds() + 15, TimeUnit.SECONDS);
      assertEquals(0, client.activeWatches());
      // Every job ended through the listener, exactly once, by result or by failure.
      assertEquals(JOBS, rec.completions.size() + rec.failures.size(), "jobs the client reported ended");
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
      assertFaultWasMet(fault, sim, rec, ids);
      System.out.printf("fault %-24s jobs %d, lost 0, duplicated 0, by webhook %d, slowest %d ms, polls answered %d (%.2f/job), failed %d%s%n",
          fault, watches.size(), watches.values().stream().filter(f -> !f.isCompletedExceptionally()
              && f.join().detectedBy() == DetectedBy.WEBHOOK).count(),
          watches.values().stream().filter(f -> !f.isCompletedExceptionally())
              .mapToLong(f -> f.join().waited().toMillis()).max().orElse(0), rec.polls.get(),
          rec.polls.get() / (double) watches.size(), rec.pollFailures.get(), fault == Fault.SIMULATOR_RESTARTED
              ? ", not found after restart " + notFound : "");
    } finally {
      sim.close();
      if (restarted != null) {
        restarted.close();
      }
      deadListener.close();
    }
  }

  /**
   * Proof that the fault happened, from the simulator's own records (not from the client, which
   * would hide a fault that was never injected). Deliveries are recorded a moment after a job
   * ends, so they are awaited, not merely read.
   */
  private static void assertFaultWasMet(Fault fault, SimulatorServer sim, Recorder rec, List<String> ids)
      throws Exception {
    switch (fault) {
      case WEBHOOKS_DROPPED_ALL:
      case LISTENER_DOWN: {
        Map<String, WebhookDelivery> firsts = firstAttempts(sim, ids);
        for (WebhookDelivery d : firsts.values()) {
          assertEquals(0, d.statusCode(), d.toString());
          assertEquals(fault == Fault.WEBHOOKS_DROPPED_ALL, d.dropped(), d.toString());
          assertTrue(d.failure().isPresent(), d.toString());
        }
        assertEquals(0, rec.webhooks.get(), "a webhook reached the client");
        break;
      }
      case WEBHOOKS_DROPPED_HALF: {
        int dropped = 0;
        int delivered = 0;
        for (WebhookDelivery d : firstAttempts(sim, ids).values()) {
          dropped += d.dropped() ? 1 : 0;
          delivered += d.succeeded() ? 1 : 0;
        }
        // Binomial(200, 0.5): outside 60..140 with probability ~1e-8.
        assertTrue(dropped >= 60 && dropped <= 140, "first attempts dropped: " + dropped);
        assertTrue(delivered > 0, "no first attempt got through");
        break;
      }
      case DUPLICATED_WEBHOOKS: {
        Map<String, List<WebhookDelivery>> byJob = new HashMap<>();
        int pairs = 0;
        while (pairs < ids.size()) {
          WebhookDelivery d = sim.takeDelivery(Duration.ofSeconds(20)).orElseThrow(
              () -> new AssertionError("deliveries stopped before every event was duplicated"));
          List<WebhookDelivery> l = byJob.computeIfAbsent(d.jobId(), k -> new ArrayList<>());
          l.add(d);
          if (l.size() == 2) {
            assertEquals(l.get(0).eventId(), l.get(1).eventId(), "a duplicate has the same webhook-id");
            pairs++;
          }
        }
        assertTrue(rec.webhooks.get() <= ids.size(), "duplicates counted as new webhooks: " + rec.webhooks);
        break;
      }
      case STATUS_503_30_PERCENT:
      case STATUS_429_RETRY_AFTER: {
        double share = rec.pollFailures.get() / (double) (rec.pollFailures.get() + rec.polls.get());
        assertTrue(share > 0.15 && share < 0.45, "share of polls failed: " + share);
        break;
      }
      case LATENCY_200_500_MS: {
        // A lower bound only: latency makes an answer later, never earlier. A raw socket, so the
        // check starts no thread of its own.
        long t0 = System.nanoTime();
        String answer;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
          s.setSoTimeout(10_000);
          s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(ms >= 200, "answered in " + ms + " ms with 200..500 ms of latency");
        break;
      }
      default:
        break;
    }
  }

  /** The first delivery attempt of each job's event, awaited until every job has one. */
  private static Map<String, WebhookDelivery> firstAttempts(SimulatorServer sim, List<String> ids)
      throws InterruptedException {
    Map<String, WebhookDelivery> firsts = new HashMap<>();
    while (firsts.size() < ids.size()) {
      WebhookDelivery d = sim.takeDelivery(Duration.ofSeconds(20)).orElseThrow(() -> new AssertionError(
          "first webhook attempts seen for only " + firsts.size() + " of " + ids.size() + " jobs"));
      if (d.attempt() == 1) {
        firsts.put(d.jobId(), d);
      }
    }
    return firsts;
  }
}
