package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Recorder;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The listener is an open door: forged, replayed, malformed and stuck requests must change
 * nothing, and every job must still resolve with the server's true status.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WebhookSecurityTest {
  static final String SECRET = "whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==";
  static final String OTHER = "whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=";

  private SimulatorServer sim;
  private StatusClient client;
  private Recorder rec;
  private HttpClient http;
  private final WebhookSigner signer = WebhookSigner.of(SECRET);

  @BeforeEach
  void start() throws Exception {
    // The simulator's own webhooks are dropped: anything the listener hears comes from the test.
    sim = SimulatorServer.builder().dropWebhooks(1.0).build().start();
    rec = new Recorder();
    client = StatusClient.builder(sim.url()).webhook(WebhookOptions.port(0).secret(SECRET))
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(200))).listener(rec).build();
    assertEquals("ok", rec.awaitRegistration(Duration.ofSeconds(10)));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
  }

  private int post(String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(client.webhookUrl().orElseThrow())
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private int postSigned(WebhookSigner with, String id, long ts, String signedBody, String sentBody)
      throws Exception {
    return post(sentBody, "Content-Type", "application/json", "webhook-id", id,
        "webhook-timestamp", Long.toString(ts), "webhook-signature", with.sign(id, ts, signedBody));
  }

  /** A job that has completed on the server (whose own webhooks are dropped). */
  private String endedJob() {
    String job = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    sim.complete(job, JobStatus.COMPLETED);
    return job;
  }

  private static String body(String job, String status) {
    return "{\"job\":\"" + job + "\",\"result\":\"" + status + "\",\"status\":\"" + status
        + "\",\"updated_at\":\"" + Instant.now() + "\"}";
  }

  enum Forgery { WRONG_SECRET, TAMPERED_BODY, OLD_TIMESTAMP, FUTURE_TIMESTAMP, GARBLED_SIGNATURE }

  @ParameterizedTest
  @EnumSource(Forgery.class)
  void forgedWebhookIsRejectedAndTheJobStillResolvesByPolling(Forgery f) throws Exception {
    String job = sim.submit(Duration.ofMillis(400), JobStatus.ERROR);
    CompletableFuture<JobResult> w = client.watch(job);
    long now = Instant.now().getEpochSecond();
    String claim = body(job, "completed");
    int code;
    switch (f) {
      case WRONG_SECRET:
        code = postSigned(WebhookSigner.of(OTHER), "msg_f1", now, claim, claim);
        break;
      case TAMPERED_BODY:
        code = postSigned(signer, "msg_f2", now, body(job, "error"), claim);
        break;
      case OLD_TIMESTAMP:
        code = postSigned(signer, "msg_f3", now - 600, claim, claim);
        break;
      case FUTURE_TIMESTAMP:
        code = postSigned(signer, "msg_f4", now + 600, claim, claim);
        break;
      default:
        code = post(claim, "webhook-id", "msg_f5", "webhook-timestamp", "" + now,
            "webhook-signature", "v1,not-base64!!");
        break;
    }
    assertEquals(401, code);
    assertEquals(1, rec.rejected.get());
    assertEquals(0, rec.webhooks.get());
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(JobStatus.ERROR, r.status(), "the server's truth, not the forger's");
    assertEquals(DetectedBy.POLL, r.detectedBy());
  }

  @Test
  void replayedIdIsAcknowledgedAndIgnored() throws Exception {
    String job = endedJob();
    CompletableFuture<JobResult> w = client.watch(job, Duration.ofSeconds(30));
    long now = Instant.now().getEpochSecond();
    String b = body(job, "completed");
    assertEquals(204, postSigned(signer, "msg_r1", now, b, b));
    assertEquals(204, postSigned(signer, "msg_r1", now, b, b));
    assertEquals(204, postSigned(signer, "msg_r1", now, b, b));
    assertEquals(1, rec.webhooks.get());
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(JobStatus.COMPLETED, r.status());
  }

  @Test
  void unsignedClaimIsOnlyAHintConfirmedByPolling() throws Exception {
    StatusClient slow = StatusClient.builder(sim.url()).webhook(WebhookOptions.port(0).secret(SECRET))
        .pollSchedule(PollSchedule.fixed(Duration.ofHours(1))).listener(rec).build();
    try (slow) {
      String job = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      CompletableFuture<JobResult> w = slow.watch(job, Duration.ofSeconds(60));
      URI url = slow.webhookUrl().orElseThrow();
      int code = http.send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body(job, "completed")))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      assertEquals(202, code);
      assertTrue(rec.awaitEvent("poll " + job + " PENDING", Duration.ofSeconds(20)), "hint not confirmed");
      assertFalse(w.isDone(), "an unsigned claim decided the outcome");
      sim.complete(job, JobStatus.ERROR);
      http.send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body(job, "completed")))
          .build(), HttpResponse.BodyHandlers.discarding());
      JobResult r = w.get(30, TimeUnit.SECONDS);
      assertEquals(JobStatus.ERROR, r.status());
      assertEquals(DetectedBy.POLL, r.detectedBy());
    }
  }

  @Test
  void aFloodOfHintsCannotBecomeAFloodOfPolls() throws Exception {
    StatusClient slow = StatusClient.builder(sim.url()).webhook(WebhookOptions.port(0))
        .pollSchedule(PollSchedule.fixed(Duration.ofHours(1))).build();
    try (slow) {
      String job = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      slow.watch(job, Duration.ofSeconds(60));
      URI url = slow.webhookUrl().orElseThrow();
      long t0 = System.nanoTime();
      for (int i = 0; i < 300; i++) {
        assertEquals(202, http.send(HttpRequest.newBuilder(url)
            .POST(HttpRequest.BodyPublishers.ofString(body(job, "completed"))).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      int polls = sim.statusRequests(job);
      // One confirming poll per job per second at most, whatever the number of hints.
      assertTrue(polls <= 2 + (int) Math.ceil(seconds), polls + " polls for 300 hints in " + seconds + " s");
    }
  }

  @Test
  void badRequestsGetClearAnswersAndChangeNothing() throws Exception {
    String job = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> w = client.watch(job, Duration.ofSeconds(60));
    URI url = client.webhookUrl().orElseThrow();
    HttpResponse<Void> get = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    assertEquals(415, post(body(job, "completed"), "Content-Type", "text/plain"));
    assertEquals(413, post("{\"job\":\"" + "x".repeat(70_000) + "\"}"));
    assertEquals(400, post("{\"job\":"));
    assertEquals(400, post("[1,2,3]"));
    assertEquals(400, post("{\"job\":\"" + job + "\",\"status\":\"finished-ish\"}"));
    assertEquals(400, post("{\"job\":\"bad id!\",\"status\":\"completed\"}"));
    assertEquals(400, post(body(job, "completed"), "webhook-id", "msg_only_id"));
    int wrongPath = http.send(HttpRequest.newBuilder(url.resolve("/elsewhere"))
        .POST(HttpRequest.BodyPublishers.ofString(body(job, "completed"))).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
    assertEquals(404, wrongPath);
    assertFalse(w.isDone());
    assertEquals(0, rec.webhooks.get());
    assertEquals(1, client.activeWatches());
  }

  @Test
  void stuckSendersDoNotBlockRealDeliveriesAndAreDropped() throws Exception {
    URI url = client.webhookUrl().orElseThrow();
    List<Socket> stuck = new ArrayList<>();
    try {
      // Stuck senders: each promises a body it never sends, holding a handler thread.
      // Fewer than the listener's 12 handler threads, so a real delivery finds one free.
      for (int i = 0; i < 10; i++) {
        Socket s = new Socket(url.getHost(), url.getPort());
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1000\r\n\r\n{\"job\":").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        stuck.add(s);
      }
      String job = endedJob();
      CompletableFuture<JobResult> w = client.watch(job, Duration.ofSeconds(60));
      long now = Instant.now().getEpochSecond();
      String b = body(job, "completed");
      assertEquals(204, postSigned(signer, "msg_s1", now, b, b));
      assertEquals(JobStatus.COMPLETED, w.get(30, TimeUnit.SECONDS).status());
      // The server drops each stuck connection at its request-time limit (2 s in tests): a
      // blocking read on it ends instead of waiting for our 30 s socket timeout.
      for (Socket s : stuck) {
        int got;
        try {
          got = s.getInputStream().read();
        } catch (java.net.SocketException reset) {
          got = -1;
        }
        assertEquals(-1, got, "stuck connection not dropped");
      }
    } finally {
      for (Socket s : stuck) {
        s.close();
      }
    }
  }
}
