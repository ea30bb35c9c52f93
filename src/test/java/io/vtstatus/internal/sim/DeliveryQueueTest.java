package io.vtstatus.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.simulator.WebhookDelivery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A registration's queue is bounded: when full, its oldest waiting retry goes first. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeliveryQueueTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .executor(Executors.newCachedThreadPool(Threads.daemon("test-http")))
      .build();

  static Config config(List<Duration> retries, Duration timeout) {
    return new Config("127.0.0.1", 0, JobDurations.fixed(Duration.ofHours(1)), 0, false, 0, 0,
        Duration.ZERO, Duration.ZERO, 0, 0, retries, timeout, Duration.ofHours(1), 1000, 100,
        SimulatorServer.Signing.V1, Duration.ofHours(24), 1L, Clock.systemUTC(), Optional.empty());
  }

  private static void register(Simulator sim, String url) throws Exception {
    HttpResponse<String> r = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port() + "/register-webhook"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  private static WebhookDelivery next(Simulator sim) throws InterruptedException {
    return sim.takeDelivery(WAIT).orElseThrow(() -> new AssertionError("no delivery in " + WAIT));
  }

  /** Accepts connections and never answers; holds them until closed. */
  private static final class Silent implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> held = new CopyOnWriteArrayList<>();
    final Thread thread;

    Silent() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread = new Thread(() -> {
        try {
          while (true) {
            held.add(server.accept());
          }
        } catch (IOException closed) {
          // done
        }
      }, "test-silent");
      thread.setDaemon(true);
      thread.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void fullQueueDropsTheOldestWaitingAttempt() throws Exception {
    DeliveryLimits limits = new DeliveryLimits(8, 1, 100, 3, 8, 1);
    Simulator sim = Simulator.start(config(List.of(Duration.ZERO), Duration.ofMinutes(1)), limits);
    try (Silent silent = new Silent()) {
      register(sim, silent.url());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ids.add(sim.submit(Duration.ofHours(1), JobStatus.COMPLETED));
      }
      for (String id : ids) {
        sim.complete(id, JobStatus.COMPLETED);
      }
      // Job 1 is in flight (the receiver never answers), jobs 2..4 wait; 5 and 6 push out 2 and 3.
      WebhookDelivery d1 = next(sim);
      WebhookDelivery d2 = next(sim);
      assertEquals(List.of(ids.get(1), ids.get(2)), List.of(d1.jobId(), d2.jobId()));
      for (WebhookDelivery d : List.of(d1, d2)) {
        assertTrue(d.dropped(), d.toString());
        assertEquals(Optional.of("dropped: queue full"), d.failure());
        assertEquals(1, d.attempt());
      }
      assertEquals(2, sim.droppedDeliveryCount());
      assertTrue(sim.takeDelivery(Duration.ofMillis(200)).isEmpty(), "nothing else has ended");
    } finally {
      sim.close();
    }
  }

  @Test
  void fullQueueDropsWaitingRetriesBeforeFirstAttempts() throws Exception {
    // Port 1 (tcpmux) has no listener on loopback, as in the other "refused" tests; a port
    // freed by closing a ServerSocket(0) could be taken by another process meanwhile.
    int closedPort = 1;
    DeliveryLimits limits = new DeliveryLimits(8, 1, 100, 3, 8, 1);
    // Every attempt is refused at once; each retry then waits an hour in the queue.
    Simulator sim = Simulator.start(
        config(List.of(Duration.ZERO, Duration.ofHours(1)), Duration.ofSeconds(5)), limits);
    try {
      register(sim, "http://127.0.0.1:" + closedPort + "/hook");
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(sim.submit(Duration.ofHours(1), JobStatus.COMPLETED));
      }
      for (int i = 0; i < 3; i++) {
        sim.complete(ids.get(i), JobStatus.COMPLETED);
        WebhookDelivery failed = next(sim);
        assertEquals(ids.get(i), failed.jobId());
        assertEquals(1, failed.attempt());
        assertFalse(failed.dropped());
      }
      assertEquals(0, sim.droppedDeliveryCount(), "three retries wait: the queue is full, not over");
      sim.complete(ids.get(3), JobStatus.COMPLETED);
      // Job 4's first attempt pushes out job 1's retry (the oldest waiting retry), not itself;
      // once it has started, its own retry fits in the room it left.
      WebhookDelivery first = next(sim);
      WebhookDelivery second = next(sim);
      assertTrue(first.dropped(), first.toString());
      assertEquals(ids.get(0), first.jobId());
      assertEquals(2, first.attempt(), "a retry was dropped, not a first attempt");
      assertEquals(Optional.of("dropped: queue full"), first.failure());
      assertFalse(second.dropped(), second.toString());
      assertEquals(ids.get(3), second.jobId());
      assertEquals(1, second.attempt(), "the new event's first attempt was made");
      assertEquals(1, sim.droppedDeliveryCount());
      assertTrue(sim.takeDelivery(Duration.ofMillis(200)).isEmpty());
    } finally {
      sim.close();
    }
  }
}
