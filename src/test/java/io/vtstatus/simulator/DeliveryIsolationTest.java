package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Receivers that stall cost their own deliveries, not anyone else's: attempts are bounded in
 * total time (connect, headers and body), a stalled attempt holds a socket but no thread, and
 * each registration has its own small in-flight cap.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeliveryIsolationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static void register(SimulatorServer sim, URI url) {
    assertEquals(200, Http.post(sim.url("/register-webhook"), "{\"url\":\"" + url + "\"}")
        .statusCode());
  }

  @Test
  void twentyFourStalledReceiversDoNotDelayAHealthyOne() throws Exception {
    Duration timeout = Duration.ofSeconds(20);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try (StallingReceivers stalled = new StallingReceivers(24, StallingReceivers.Mode.HEADERS_THEN_STALL);
        Receiver healthy = new Receiver();
        SimulatorServer sim = SimulatorServer.builder().webhookTimeout(timeout).build().start()) {
      for (URI u : stalled.urls()) {
        register(sim, u);
      }
      register(sim, healthy.url());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        ids.add(sim.submit(Duration.ofHours(1), JobStatus.COMPLETED));
      }
      int threadsBefore = mx.getThreadCount();
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      long startedBefore = mx.getTotalStartedThreadCount();
      long t0 = System.nanoTime();
      for (String id : ids) {
        sim.complete(id, JobStatus.COMPLETED);
      }
      Set<String> got = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        got.add((String) Http.json(healthy.take(WAIT).body()).get("job"));
      }
      long allIn = System.nanoTime() - t0;
      assertEquals(new HashSet<>(ids), got, "the healthy receiver got every event");
      // Far below the attempt timeout: nothing waited for a stalled attempt to be cut off.
      assertTrue(allIn < timeout.toNanos() / 4, "healthy events took " + allIn / 1_000_000 + " ms");

      // Each stalled receiver holds its share of the 256 in-flight slots (256 / 25 lanes = 10),
      // headers answered, body never; the healthy lane's share stays free for it.
      assertTrue(stalled.awaitAnswered(24 * 10, WAIT), "answered " + stalled.answered());
      long started = mx.getTotalStartedThreadCount() - startedBefore;
      List<String> fresh = new ArrayList<>();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (!before.contains(t) && !t.getName().startsWith("test-")) {
          fresh.add(t.getName());
        }
      }
      int open = stalled.open();
      System.out.printf("isolation: 40 healthy events in %d ms with %d stalled attempts in flight;"
          + " %d threads before, %d started since (%d of them the simulator's)%n",
          allIn / 1_000_000, open, threadsBefore, started, fresh.size());
      assertTrue(open >= 24 * 10, "open " + open);
      assertEquals(24 * 10, stalled.answered(), "no registration went past its share");
      // Threads are bounded by the pools, not by attempts: senders (started only when none is
      // idle; 64 at most, each registration its share), the delivery thread, two HTTP client
      // threads and its selector: at most 68, for 240 attempts in flight.
      assertTrue(fresh.size() <= 64 + 4, "new simulator threads " + fresh);
      // And a stalled attempt holds none of them: once headers are in, no sender is in send().
      long deadline = System.nanoTime() + WAIT.toNanos();
      int sending;
      while ((sending = sendersInSend()) > 0 && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      assertEquals(0, sending, "sender threads still held by answered attempts");
    }
  }

  /**
   * Sender threads now inside {@code HttpClient.send} or the simulator's own plain-HTTP exchange,
   * i.e. waiting for a receiver's headers.
   */
  private static int sendersInSend() {
    int n = 0;
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey().getName().startsWith("vtstatus-sim-webhook-send")) {
        for (StackTraceElement f : e.getValue()) {
          if (f.getMethodName().equals("send") && f.getClassName().contains("HttpClient")
              || f.getMethodName().equals("exchange") && f.getClassName().endsWith("sim.Wire")) {
            n++;
            break;
          }
        }
      }
    }
    return n;
  }

  @Test
  void everyAttemptIsBoundedInTotalTime() throws Exception {
    Duration timeout = Duration.ofMillis(1500);
    try (StallingReceivers afterHeaders = new StallingReceivers(1, StallingReceivers.Mode.HEADERS_THEN_STALL);
        StallingReceivers silent = new StallingReceivers(1, StallingReceivers.Mode.NO_ANSWER);
        StallingReceivers trickle = new StallingReceivers(1, StallingReceivers.Mode.TRICKLE);
        SimulatorServer sim = SimulatorServer.builder().webhookTimeout(timeout)
            .webhookRetries(List.of(Duration.ZERO)).build().start()) {
      URI a = afterHeaders.urls().get(0);
      URI s = silent.urls().get(0);
      URI t = trickle.urls().get(0);
      register(sim, a);
      register(sim, s);
      register(sim, t);
      String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      long t0 = System.nanoTime();
      sim.complete(id, JobStatus.COMPLETED);
      Map<URI, WebhookDelivery> byUrl = new HashMap<>();
      Map<URI, Long> at = new HashMap<>();
      for (int i = 0; i < 3; i++) {
        WebhookDelivery d = sim.takeDelivery(WAIT).orElseThrow(() -> new AssertionError("no delivery"));
        byUrl.put(d.url(), d);
        at.put(d.url(), System.nanoTime() - t0);
      }
      // The status line counts: a receiver that said 200 has answered, stalled body or not.
      assertEquals(200, byUrl.get(a).statusCode(), byUrl.get(a).toString());
      assertEquals(200, byUrl.get(t).statusCode(), byUrl.get(t).toString());
      WebhookDelivery none = byUrl.get(s);
      assertEquals(0, none.statusCode());
      assertTrue(none.failure().orElseThrow().contains("timed out"), none.toString());
      for (Map.Entry<URI, Long> e : at.entrySet()) {
        long ms = e.getValue() / 1_000_000;
        // A deadline promise: not before the timeout (nothing completes any of these), and
        // not much after it (generous: the machine is shared).
        assertTrue(ms >= timeout.toMillis() - 50 && ms < timeout.toMillis() + 5_000,
            e.getKey() + " recorded after " + ms + " ms");
      }
      // Cut off means the connection is closed, not left open in the HTTP client.
      assertTrue(afterHeaders.awaitClosedByPeer(1, WAIT), "after-headers connection still open");
      assertTrue(silent.awaitClosedByPeer(1, WAIT), "silent connection still open");
      assertTrue(trickle.awaitClosedByPeer(1, WAIT), "trickle connection still open");
    }
  }
}
