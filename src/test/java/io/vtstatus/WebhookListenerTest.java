package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.simulator.WebhookDelivery;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.HostileServer;
import io.vtstatus.testing.Recorder;
import io.vtstatus.testing.ThreadLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client's webhook listener over real sockets: what it answers, when, and to whom. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookListenerTest {
  private static final String SECRET = "whsec_" + java.util.Base64.getEncoder()
      .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  @RegisterExtension final Closer closer = new Closer();

  /** A client of a server that says "pending" for ever, so only a webhook can end a watch. */
  private StatusClient pendingForever(WebhookOptions o, Recorder rec) throws Exception {
    HostileServer s = closer.add(HostileServer.start(HostileServer.status("pending")));
    StatusClient c = closer.add(StatusClient.builder(s.url()).webhook(o).listener(rec)
        .pollSchedule(PollSchedule.fixed(Duration.ofMinutes(5))).build());
    return c;
  }

  private static HttpResponse<String> deliver(URI url, String job, String status) throws Exception {
    String body = "{\"job\":\"" + job + "\",\"result\":\"" + status + "\",\"status\":\"" + status + "\"}";
    String id = "msg_" + job;
    long ts = Instant.now().getEpochSecond();
    HttpRequest req = HttpRequest.newBuilder(url)
        .header("Content-Type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(ts))
        .header("webhook-signature", WebhookSigner.of(SECRET).sign(id, ts, body))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(20))
        .build();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aGenuineDeliveryIsAnsweredWhileManySendersStallMidBody() throws Exception {
    Recorder rec = new Recorder();
    StatusClient c = pendingForever(WebhookOptions.port(0).secret(SECRET), rec);
    URI url = c.webhookUrl().orElseThrow();
    CompletableFuture<JobResult> f = c.watch("real", Duration.ofMinutes(1));
    List<Socket> stalls = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      Socket s = closer.add(new Socket(InetAddress.getLoopbackAddress(), url.getPort()));
      s.getOutputStream().write(("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{\"job\":").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      stalls.add(s);
    }
    HttpResponse<String> r = deliver(url, "real", "completed");
    assertEquals(204, r.statusCode(), r.body());
    assertEquals(DetectedBy.WEBHOOK, f.get(10, TimeUnit.SECONDS).detectedBy());
    // Causal, not timed: the genuine delivery was answered while every stalled sender still
    // held its connection (the server had not yet dropped them for taking too long).
    int stillOpen = 0;
    for (Socket s : stalls) {
      s.setSoTimeout(1);
      try {
        InputStream in = s.getInputStream();
        if (in.read() >= 0) {
          stillOpen++;
        }
      } catch (SocketTimeoutException e) {
        stillOpen++;
      } catch (IOException e) {
        // Dropped.
      }
    }
    assertTrue(stillOpen >= 12, "only " + stillOpen + " of 24 stalled senders were still connected"
        + " when the genuine delivery was answered: it waited for them to be dropped");
  }

  @Test
  void aPathWithNonAsciiLettersReceivesDeliveries() throws Exception {
    Recorder rec = new Recorder();
    StatusClient c = pendingForever(WebhookOptions.port(0).path("/hoök").secret(SECRET), rec);
    URI url = c.webhookUrl().orElseThrow();
    assertEquals("/ho%C3%B6k", url.getRawPath(), "registered percent-encoded");
    CompletableFuture<JobResult> f = c.watch("j1", Duration.ofMinutes(1));
    assertEquals(204, deliver(url, "j1", "error").statusCode());
    assertEquals(JobStatus.ERROR, f.get(10, TimeUnit.SECONDS).status());
    assertEquals(404, deliver(url.resolve("/hook"), "j1", "error").statusCode());
  }

  @Test
  void aPathThatCannotBeInAUrlIsRefusedBeforeAnythingBinds() {
    for (String bad : List.of("/my hook", "hook", "/a?b", "/a#b", "/a%20b", "/tab\there")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> WebhookOptions.port(0).path(bad), bad);
      assertTrue(e.getMessage().contains("Invalid path"), e.getMessage());
    }
  }

  @Test
  void aFailedBuildLeavesNoPortAndNoThread() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ThreadLeaks leaks = ThreadLeaks.snapshot();
      UncheckedIOException e = assertThrows(UncheckedIOException.class,
          () -> StatusClient.builder(URI.create("http://127.0.0.1:1"))
              .webhook(WebhookOptions.port(taken.getLocalPort())).build());
      assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
      leaks.assertNoNewThreads();
    }
  }

  // 50 client lifetimes here (was 200), 500 in `make soak`: each is a chance for a close() right
  // after the event to cut an acknowledgement off.
  @Test
  void everyAcknowledgementReachesTheSenderEvenWhenTheClientClosesAtOnce() throws Exception {
    acknowledgementsReachTheSender(50);
  }

  @Test
  @Tag("soak")
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void everyAcknowledgementReachesTheSenderEvenWhenTheClientClosesAtOnceInALongRun() throws Exception {
    acknowledgementsReachTheSender(500);
  }

  private static void acknowledgementsReachTheSender(int runs) throws Exception {
    int lost = 0;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
        Recorder rec = new Recorder();
        String id;
        try (StatusClient c = StatusClient.builder(sim.url()).listener(rec)
            .pollSchedule(PollSchedule.fixed(Duration.ofMinutes(5))).build()) {
          assertEquals("ok", rec.awaitRegistration(Duration.ofSeconds(10)));
          id = sim.submit(Duration.ofMillis(5), JobStatus.COMPLETED);
          JobResult r = c.await(id, Duration.ofSeconds(30));
          assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
        }
        Optional<WebhookDelivery> d = sim.takeDelivery(Duration.ofSeconds(10));
        assertTrue(d.isPresent(), "run " + i + ": the simulator recorded no delivery");
        if (!d.get().succeeded() || d.get().attempt() != 1) {
          lost++;
          problems.add("run " + i + ": " + d.get());
        }
      }
    }
    assertEquals(0, lost, "acknowledgements lost in " + lost + " of " + runs + " runs, the first: "
        + problems.subList(0, Math.min(3, problems.size())));
  }

  @Test
  void continuationsRunOnTheCallbackExecutorAndABlockedOneDelaysNoAwait() throws Exception {
    HostileServer s = closer.add(HostileServer.start(HostileServer.status("completed")));
    ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "test-callbacks");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch release = new CountDownLatch(1);
    try {
      StatusClient c = closer.add(StatusClient.builder(s.url()).webhook(WebhookOptions.disabled())
          .callbackExecutor(callbacks).pollSchedule(PollSchedule.fixed(Duration.ofMillis(20))).build());
      List<CompletableFuture<String>> blocked = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        blocked.add(c.watch("b" + i).thenApply(r -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Thread.currentThread().getName();
        }));
      }
      // Every continuation is stuck behind the first; the client must not care.
      for (int i = 0; i < 16; i++) {
        assertEquals(JobStatus.COMPLETED, c.await("a" + i, Duration.ofSeconds(20)).status());
      }
      assertTrue(blocked.stream().noneMatch(CompletableFuture::isDone));
      release.countDown();
      for (CompletableFuture<String> b : blocked) {
        assertEquals("test-callbacks", b.get(20, TimeUnit.SECONDS));
      }
    } finally {
      release.countDown();
      callbacks.shutdownNow();
    }
  }

  @Test
  void aBodyThatIsNotUtf8IsA400AndChangesNothing() throws Exception {
    Recorder rec = new Recorder();
    StatusClient c = pendingForever(WebhookOptions.port(0).secret(SECRET), rec);
    CompletableFuture<JobResult> f = c.watch("u", Duration.ofMinutes(1));
    byte[] body = "{\"job\":\"u\",\"result\":\"completed\",\"x\":\"\u00ff\"}"
        .getBytes(StandardCharsets.ISO_8859_1);
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(c.webhookUrl().orElseThrow()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("UTF-8"), r.body());
    assertTrue(rec.awaitEvent("rejected 400", Duration.ofSeconds(5)));
    assertTrue(!f.isDone() && rec.webhooks.get() == 0, "a refused body changed nothing");
  }
}
