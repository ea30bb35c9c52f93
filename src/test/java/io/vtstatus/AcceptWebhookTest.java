package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.Recorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deliveries the application's own server received, fed through {@link
 * StatusClient#acceptWebhook}: the same checks as the built-in listener, a definite status for
 * anything, and an outcome decided only by what the client's scheme verified.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AcceptWebhookTest {
  static final String SECRET = "whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==";
  static final String OTHER = "whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=";

  @RegisterExtension final Closer closer = new Closer();
  private SimulatorServer sim;
  private final WebhookSigner signer = WebhookSigner.of(SECRET);

  @BeforeEach
  void start() throws Exception {
    // The simulator's own webhooks are dropped: every delivery comes from the test.
    sim = SimulatorServer.builder().dropWebhooks(1.0).build().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private StatusClient client(WebhookOptions hooks, JobListener listener) {
    return closer.add(StatusClient.builder(sim.url()).webhook(hooks)
        .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(30))).listener(listener).build());
  }

  private static byte[] body(String job, String status) {
    return ("{\"job\":\"" + job + "\",\"status\":\"" + status + "\",\"updated_at\":\""
        + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private Map<String, List<String>> signed(WebhookSigner with, String id, long ts, byte[] body) {
    Map<String, List<String>> h = new HashMap<>();
    h.put("Webhook-Id", List.of(id));
    h.put("webhook-timestamp", List.of(Long.toString(ts)));
    h.put("WEBHOOK-SIGNATURE", List.of(with.sign(id, ts, body)));
    h.put("Content-Type", List.of("application/json"));
    return h;
  }

  private Map<String, List<String>> signed(String id, byte[] body) {
    return signed(signer, id, Instant.now().getEpochSecond(), body);
  }

  /** A job the server still runs for an hour: only a webhook can end its watch soon. */
  private String runningJob() {
    return sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
  }

  @Test
  void aVerifiedDeliveryEndsTheWatchAndARetryIsAcknowledgedOnce() throws Exception {
    Recorder rec = new Recorder();
    StatusClient c = client(WebhookOptions.inbound().secret(SECRET), rec);
    assertEquals(java.util.Optional.empty(), c.webhookUrl(), "no listener, nothing registered");
    String job = runningJob();
    CompletableFuture<JobResult> w = c.watch(job);
    byte[] b = body(job, "error");
    assertEquals(204, c.acceptWebhook(signed("msg_1", b), b));
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(JobStatus.ERROR, r.status());
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(204, c.acceptWebhook(signed("msg_1", b), b), "the sender's retry");
    assertTrue(rec.awaitEvent("webhook " + job + " ERROR verified", Duration.ofSeconds(10)));
    assertEquals(1, rec.webhooks.get(), "acted on once");
    assertEquals(0, rec.rejected.get());
  }

  @Test
  void badInputGetsADefiniteAnswerAndChangesNothing() throws Exception {
    Recorder rec = new Recorder();
    StatusClient c = closer.add(StatusClient.builder(sim.url())
        .webhook(WebhookOptions.inbound().secret(SECRET)).listener(rec)
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(200))).build());
    String job = sim.submit(Duration.ofMillis(600), JobStatus.ERROR);
    CompletableFuture<JobResult> w = c.watch(job);
    long now = Instant.now().getEpochSecond();
    byte[] claim = body(job, "completed");
    assertEquals(400, c.acceptWebhook(null, null), "no body");
    assertEquals(400, c.acceptWebhook(Map.of(), "{\"job\":".getBytes(StandardCharsets.UTF_8)));
    byte[] notUtf8 = {'{', (byte) 0xff, '}'};
    assertEquals(400, c.acceptWebhook(signed("msg_u", notUtf8), notUtf8));
    byte[] noStatus = "{\"job\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(400, c.acceptWebhook(signed("msg_s", noStatus), noStatus));
    byte[] big = new byte[64 * 1024 + 1];
    assertEquals(413, c.acceptWebhook(Map.of(), big));
    assertEquals(401, c.acceptWebhook(signed(WebhookSigner.of(OTHER), "msg_f", now, claim), claim),
        "forged");
    assertEquals(401, c.acceptWebhook(signed(signer, "msg_o", now - 600, claim), claim), "replayed");
    assertEquals(401, c.acceptWebhook(signed("msg_t", body(job, "error")), claim), "tampered");
    Map<String, List<String>> partial = signed("msg_p", claim);
    partial.remove("WEBHOOK-SIGNATURE");
    assertEquals(400, c.acceptWebhook(partial, claim));
    Map<String, List<String>> nulls = new HashMap<>();
    nulls.put(null, null);
    nulls.put("webhook-id", java.util.Arrays.asList((String) null));
    assertEquals(202, c.acceptWebhook(nulls, claim), "null names and values are absent ones");
    assertEquals(JobStatus.ERROR, w.get(30, TimeUnit.SECONDS).status(), "the server's truth");
    assertEquals(0, rec.completions.getOrDefault("x", new java.util.concurrent.atomic.AtomicInteger()).get());
    assertEquals(9, rec.rejected.get());
  }

  @Test
  void anUnsignedSuccessForARunningJobDecidesNothing() throws Exception {
    Recorder rec = new Recorder();
    StatusClient c = closer.add(StatusClient.builder(sim.url())
        .webhook(WebhookOptions.inbound().unsigned()).listener(rec)
        .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(30))).build());
    String job = runningJob();
    CompletableFuture<JobResult> w = c.watch(job);
    byte[] claim = body(job, "completed");
    // Signed with the right key or not: an unsigned() client verifies nothing.
    assertEquals(202, c.acceptWebhook(signed("msg_1", claim), claim));
    assertTrue(rec.awaitEvent("webhook " + job + " COMPLETED unsigned", Duration.ofSeconds(10)));
    assertTrue(rec.awaitEvent("poll " + job + " PENDING", Duration.ofSeconds(10)),
        "confirmed by a status read");
    assertFalse(w.isDone(), "the job is still running");
    sim.complete(job, JobStatus.ERROR);
    assertEquals(202, c.acceptWebhook(Map.of(), claim), "a lie after the end");
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(JobStatus.ERROR, r.status(), "truth wins");
    assertEquals(DetectedBy.POLL, r.detectedBy());
  }

  @Test
  void aSharedHeaderMustMatchExactly() throws Exception {
    Recorder rec = new Recorder();
    String value = "s3cr3t-value-nobody-may-print";
    WebhookOptions o = WebhookOptions.inbound().sharedHeader("X-Hook-Auth", value);
    assertFalse(o.toString().contains(value), o.toString());
    assertTrue(o.toString().contains("X-Hook-Auth"), o.toString());
    StatusClient c = client(o, rec);
    String job = runningJob();
    CompletableFuture<JobResult> w = c.watch(job);
    byte[] b = body(job, "completed");
    assertEquals(401, c.acceptWebhook(Map.of(), b), "missing");
    assertEquals(401, c.acceptWebhook(Map.of("x-hook-auth", List.of(value + "x")), b), "wrong");
    assertEquals(401, c.acceptWebhook(Map.of("x-hook-auth", List.of(value, value)), b), "twice");
    assertEquals(401, c.acceptWebhook(signed("msg_1", b), b), "a signature is not the header");
    assertFalse(w.isDone());
    assertEquals(204, c.acceptWebhook(Map.of("x-hook-auth", List.of(value)), b));
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(4, rec.rejected.get());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebhookOptions.inbound().sharedHeader("X-Auth", "line\nbreak-" + value));
    assertFalse(e.getMessage().contains(value), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WebhookOptions.inbound().sharedHeader("X-Auth", ""));
    assertThrows(IllegalArgumentException.class, () -> WebhookOptions.inbound().sharedHeader("X Auth", "v"));
    IllegalStateException s = assertThrows(IllegalStateException.class, () -> o.secret(SECRET));
    assertTrue(s.getMessage().contains("sharedHeader(X-Hook-Auth: [redacted])"), s.getMessage());
  }

  @Test
  void theUsersCheckDecidesAndWhatItThrowsIsARefusal() throws Exception {
    Recorder rec = new Recorder();
    StatusClient c = client(WebhookOptions.inbound().check((h, b) -> {
      List<String> v = h.get("sig");
      if (v == null) {
        throw new IllegalStateException("no sig");
      }
      return v.equals(List.of("ok"));
    }), rec);
    String job = runningJob();
    CompletableFuture<JobResult> w = c.watch(job);
    byte[] b = body(job, "completed");
    assertEquals(401, c.acceptWebhook(Map.of(), b), "it threw");
    assertEquals(401, c.acceptWebhook(Map.of("sig", List.of("no")), b));
    assertFalse(w.isDone());
    assertEquals(204, c.acceptWebhook(Map.of("sig", List.of("ok")), b));
    assertEquals(DetectedBy.WEBHOOK, w.get(30, TimeUnit.SECONDS).detectedBy());
  }

  @Test
  void withoutWebhooksOrOnceClosedTheAnswerSaysSo() {
    StatusClient off = client(WebhookOptions.disabled(), new JobListener() {});
    byte[] b = body("j", "completed");
    assertEquals(404, off.acceptWebhook(Map.of(), b));
    StatusClient c = client(WebhookOptions.inbound(), new JobListener() {});
    c.close();
    assertEquals(503, c.acceptWebhook(Map.of(), b));
  }

  @Test
  void inboundWithAUrlRegistersItAndTheListenerAnswersTheSameWay() throws Exception {
    URI url = URI.create("https://hooks.example.com/vt");
    Recorder rec = new Recorder();
    StatusClient c = client(WebhookOptions.inbound(url), rec);
    assertEquals("ok", rec.awaitRegistration(Duration.ofSeconds(10)));
    assertEquals(java.util.Optional.of(url), c.webhookUrl());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> WebhookOptions.inbound().path("/x"));
    assertTrue(e.getMessage().contains("inbound()"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WebhookOptions.inbound(URI.create("ftp://x/")));
    assertTrue(WebhookOptions.inbound().enabled());
    assertFalse(WebhookOptions.inbound().listens());
    assertTrue(WebhookOptions.port(0).listens());
  }

  @Test
  void theListenerAndAcceptWebhookAnswerAlike() throws Exception {
    StatusClient listening = client(WebhookOptions.port(0).secret(SECRET), new JobListener() {});
    StatusClient inbound = client(WebhookOptions.inbound().secret(SECRET), new JobListener() {});
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    long now = Instant.now().getEpochSecond();
    byte[] ok = body("j-same", "completed");
    List<Object[]> cases = List.of(
        new Object[] {signed("msg_a", ok), ok},
        new Object[] {signed("msg_a", ok), ok},
        new Object[] {signed(WebhookSigner.of(OTHER), "msg_b", now, ok), ok},
        new Object[] {signed(signer, "msg_c", now - 900, ok), ok},
        new Object[] {Map.of(), ok},
        new Object[] {Map.of(), "{\"job\":1}".getBytes(StandardCharsets.UTF_8)},
        new Object[] {Map.of(), new byte[64 * 1024 + 1]});
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, List<String>> h = (Map<String, List<String>>) c[0];
      byte[] b = (byte[]) c[1];
      java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(
          listening.webhookUrl().orElseThrow()).timeout(Duration.ofSeconds(20))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(b));
      h.forEach((k, v) -> v.forEach(x -> r.header(k, x)));
      int overHttp = http.send(r.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode();
      assertEquals(overHttp, inbound.acceptWebhook(h, b), "case " + cases.indexOf(c));
    }
  }

  /** Two replicas behind one URL: the one that got the delivery relays it to the one watching. */
  @Test
  void aDeliveryForAJobAnotherReplicaWatchesIsRelayedAndVerifiedThere() throws Exception {
    BlockingQueue<Object[]> bus = new LinkedBlockingQueue<>();
    JobListener relay = new JobListener() {
      @Override
      public void webhookForUnwatchedJob(String jobId, Map<String, List<String>> h, byte[] b) {
        bus.add(new Object[] {jobId, h, b});
      }
    };
    StatusClient a = client(WebhookOptions.inbound().secret(SECRET), relay);
    Recorder recB = new Recorder();
    StatusClient b = client(WebhookOptions.inbound().secret(SECRET), recB);
    String job = runningJob();
    CompletableFuture<JobResult> w = b.watch(job);
    byte[] body = body(job, "completed");
    Map<String, List<String>> headers = signed("msg_r", body);
    // The shared route sends it to replica a, which does not watch the job.
    assertEquals(204, a.acceptWebhook(headers, body));
    Object[] relayed = bus.poll(10, TimeUnit.SECONDS);
    assertEquals(job, relayed[0]);
    @SuppressWarnings("unchecked")
    Map<String, List<String>> h = (Map<String, List<String>>) relayed[1];
    assertArrayEquals(body, (byte[]) relayed[2]);
    assertEquals(List.of("msg_r"), h.get("Webhook-Id"));
    assertThrows(UnsupportedOperationException.class, () -> h.put("x", List.of()));
    assertFalse(w.isDone());
    assertEquals(204, b.acceptWebhook(h, (byte[]) relayed[2]));
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(204, b.acceptWebhook(h, body), "relayed twice: acknowledged, ignored");
    assertEquals(204, a.acceptWebhook(headers, body), "the sender's retry at a");
    assertTrue(bus.isEmpty(), "a relays a delivery once");
    // A forged relay changes nothing at b either.
    String other = runningJob();
    CompletableFuture<JobResult> w2 = b.watch(other);
    byte[] forged = body(other, "completed");
    assertEquals(401, b.acceptWebhook(signed(WebhookSigner.of(OTHER), "msg_x",
        Instant.now().getEpochSecond(), forged), forged));
    assertFalse(w2.isDone());
    assertEquals(1, recB.webhooks.get(), "b acted on the relayed delivery once");
  }
}
