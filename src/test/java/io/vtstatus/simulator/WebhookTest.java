package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebhookTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final List<Duration> FAST_RETRIES =
      List.of(Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(20));

  private static Map<String, Object> register(SimulatorServer sim, String body) {
    HttpResponse<String> r = Http.post(sim.url("/register-webhook"), body);
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r);
  }

  private static WebhookDelivery nextDelivery(SimulatorServer sim) throws InterruptedException {
    return sim.takeDelivery(WAIT).orElseThrow(() -> new AssertionError("no delivery in " + WAIT));
  }

  @Test
  void defaultJobSequenceAsTheOriginalClientPlaysIt() throws Exception {
    try (Receiver receiver = new Receiver();
        SimulatorServer sim = SimulatorServer.builder()
            .delay(JobDurations.fixed(Duration.ofSeconds(1))).build().start()) {
      register(sim, "{\"url\":\"" + receiver.url() + "\"}");
      Map<String, Object> first = Http.json(Http.get(sim.url("/status")));
      assertEquals("default", first.get("job"));
      assertEquals("pending", first.get("status"));

      Receiver.Received hook = receiver.take(WAIT);
      Map<String, Object> body = Http.json(hook.body());
      assertEquals(List.of("job", "result", "status", "updated_at"), List.copyOf(body.keySet()));
      for (Object v : body.values()) {
        assertTrue(v instanceof String, "every webhook value is a string: " + hook.body());
      }
      assertEquals("default", body.get("job"));
      assertEquals("completed", body.get("status"));
      assertEquals("application/json", hook.header("Content-Type"));

      Map<String, Object> after = Http.json(Http.get(sim.url("/status")));
      assertEquals("completed", after.get("status"), "terminal for good, never stale");
      assertEquals(2, sim.statusRequests("default"));
    }
  }

  @Test
  void signatureVerifiesWithAnIndependentHmac() throws Exception {
    Instant now = Instant.parse("2026-11-28T17:20:01.123456Z");
    try (Receiver receiver = new Receiver();
        SimulatorServer sim = SimulatorServer.builder()
            .clock(Clock.fixed(now, ZoneOffset.UTC)).build().start()) {
      String id = sim.submit(Duration.ofMinutes(10), JobStatus.COMPLETED);
      Map<String, Object> reg =
          register(sim, "{\"url\":\"" + receiver.url() + "\",\"job\":\"" + id + "\"}");
      sim.complete(id, JobStatus.COMPLETED);

      Receiver.Received hook = receiver.take(WAIT);
      String msgId = hook.header("webhook-id");
      String timestamp = hook.header("webhook-timestamp");
      assertTrue(msgId.startsWith("msg_"), msgId);
      assertEquals(Long.toString(now.getEpochSecond()), timestamp);
      assertEquals("2026-11-28T17:20:01.123456Z", Http.json(hook.body()).get("updated_at"));

      String secret = (String) reg.get("secret");
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] expected = mac.doFinal(
          (msgId + "." + timestamp + "." + hook.body()).getBytes(StandardCharsets.UTF_8));
      assertEquals("v1," + Base64.getEncoder().encodeToString(expected),
          hook.header("webhook-signature"));

      WebhookDelivery d = nextDelivery(sim);
      assertEquals(reg.get("webhook"), d.webhookId());
      assertEquals(msgId, d.eventId());
      assertEquals(200, d.statusCode());
      assertTrue(d.succeeded());
    }
  }

  @Test
  void jobScopedRegistrationGetsOnlyItsJob() throws Exception {
    try (Receiver scoped = new Receiver(); Receiver global = new Receiver();
        SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String a = sim.submit(Duration.ofMinutes(10), JobStatus.COMPLETED);
      String b = sim.submit(Duration.ofMinutes(10), JobStatus.ERROR);
      register(sim, "{\"url\":\"" + scoped.url() + "\",\"job\":\"" + a + "\"}");
      register(sim, "{\"url\":\"" + global.url() + "\"}");
      sim.complete(b, JobStatus.ERROR);
      assertEquals(b, Http.json(global.take(WAIT).body()).get("job"));
      sim.complete(a, JobStatus.COMPLETED);
      assertEquals(a, Http.json(scoped.take(WAIT).body()).get("job"),
          "the scoped receiver's first webhook is its own job's, not b's");
      assertEquals(a, Http.json(global.take(WAIT).body()).get("job"));
    }
  }

  @Test
  void retriesAfterRefusedConnection() throws Exception {
    // Bound but not listening, and kept so: connections are refused, and no one else can take it.
    try (Socket refusing = new Socket();
        SimulatorServer sim = SimulatorServer.builder().webhookRetries(FAST_RETRIES)
        .build().start()) {
      refusing.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
      register(sim, "{\"url\":\"http://127.0.0.1:" + refusing.getLocalPort() + "/hook\"}");
      String id = sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      for (int attempt = 1; attempt <= 3; attempt++) {
        WebhookDelivery d = nextDelivery(sim);
        assertEquals(id, d.jobId());
        assertEquals(attempt, d.attempt());
        assertEquals(0, d.statusCode());
        assertTrue(d.failure().isPresent());
        assertFalse(d.dropped());
      }
      assertEquals(3, sim.deliveryCount());
    }
  }

  @Test
  void retriesAfter500ThenSucceedsWithTheSameEventId() throws Exception {
    try (Receiver receiver = new Receiver(500);
        SimulatorServer sim = SimulatorServer.builder().webhookRetries(FAST_RETRIES)
            .build().start()) {
      register(sim, "{\"url\":\"" + receiver.url() + "\"}");
      sim.submit(Duration.ZERO, JobStatus.ERROR);
      Receiver.Received first = receiver.take(WAIT);
      Receiver.Received second = receiver.take(WAIT);
      assertEquals(first.header("webhook-id"), second.header("webhook-id"));
      assertEquals(first.body(), second.body());
      WebhookDelivery d1 = nextDelivery(sim);
      WebhookDelivery d2 = nextDelivery(sim);
      assertEquals(500, d1.statusCode());
      assertEquals(Optional.of("HTTP 500"), d1.failure());
      assertEquals(200, d2.statusCode());
      assertEquals(2, d2.attempt());
    }
  }

  @Test
  void gone410StopsRetriesAndUnregisters() throws Exception {
    try (Receiver gone = new Receiver(410, 410, 410); Receiver control = new Receiver();
        SimulatorServer sim = SimulatorServer.builder().webhookRetries(FAST_RETRIES)
            .build().start()) {
      String goneId = (String) register(sim, "{\"url\":\"" + gone.url() + "\"}").get("webhook");
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      WebhookDelivery d = nextDelivery(sim);
      assertEquals(410, d.statusCode());
      assertEquals(1, d.attempt());
      assertEquals(404, Http.delete(sim.url("/webhooks/" + goneId)).statusCode(),
          "410 unregistered it");

      String controlId = (String) register(sim, "{\"url\":\"" + control.url() + "\"}").get("webhook");
      String second = sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      control.take(WAIT);
      WebhookDelivery next = nextDelivery(sim);
      assertEquals(controlId, next.webhookId(), "no retry and no new event went to the 410 one");
      assertEquals(second, next.jobId());
    }
  }

  @Test
  void hungReceiverDoesNotDelayStatus() throws Exception {
    try (Receiver stuck = Receiver.hanging();
        SimulatorServer sim = SimulatorServer.builder()
            .webhookTimeout(Duration.ofMinutes(5)).build().start()) {
      register(sim, "{\"url\":\"" + stuck.url() + "\"}");
      String id = sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      assertTrue(stuck.awaitEntered(WAIT), "the receiver got the webhook and is holding it");
      // The delivery is in flight and unanswered; /status must answer regardless.
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = Http.get(sim.url("/status?job=" + id));
        assertEquals(200, r.statusCode());
        assertEquals("completed", Http.json(r).get("status"));
      }
      String other = sim.submit(Duration.ZERO, JobStatus.ERROR);
      assertEquals("error", Http.json(Http.get(sim.url("/status?job=" + other))).get("status"));
      assertEquals(0, sim.deliveryCount(), "the stuck attempt has not finished");
      stuck.release();
    }
  }

  @Test
  void droppedAttemptsAreRecordedAndRetried() throws Exception {
    try (Receiver receiver = new Receiver();
        SimulatorServer sim = SimulatorServer.builder().dropWebhooks(1.0)
            .webhookRetries(FAST_RETRIES).build().start()) {
      register(sim, "{\"url\":\"" + receiver.url() + "\"}");
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      for (int attempt = 1; attempt <= 3; attempt++) {
        WebhookDelivery d = nextDelivery(sim);
        assertTrue(d.dropped());
        assertEquals(attempt, d.attempt());
        assertEquals(0, d.statusCode());
      }
    }
  }

  @Test
  void duplicateDeliveriesShareTheWebhookId() throws Exception {
    try (Receiver receiver = new Receiver();
        SimulatorServer sim = SimulatorServer.builder().duplicateWebhooks(1.0).build().start()) {
      register(sim, "{\"url\":\"" + receiver.url() + "\"}");
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      Receiver.Received a = receiver.take(WAIT);
      Receiver.Received b = receiver.take(WAIT);
      assertEquals(a.header("webhook-id"), b.header("webhook-id"));
      assertEquals(a.body(), b.body());
    }
  }

  @Test
  void lateJobScopedRegistrationStillGetsTheEvent() throws Exception {
    try (Receiver receiver = new Receiver();
        SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String id = sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      assertEquals(Optional.of(JobStatus.COMPLETED), sim.status(id));
      register(sim, "{\"url\":\"" + receiver.url() + "\",\"job\":\"" + id + "\"}");
      assertEquals(id, Http.json(receiver.take(WAIT).body()).get("job"));
    }
  }

  @Test
  void deletedRegistrationGetsNothingMore() throws Exception {
    SimulatorServer sim = SimulatorServer.builder().build().start();
    try (Receiver deleted = new Receiver(); Receiver control = new Receiver()) {
      String wh = (String) register(sim, "{\"url\":\"" + deleted.url() + "\"}").get("webhook");
      assertEquals(204, Http.delete(sim.url("/webhooks/" + wh)).statusCode());
      register(sim, "{\"url\":\"" + control.url() + "\"}");
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      // Events fan out one after the other on one thread: once both reached the control, every
      // attempt of the first event has been started, a stray one to the deleted URL included.
      control.take(WAIT);
      control.take(WAIT);
      for (int i = 0; i < 2; i++) {
        assertEquals(URI.create(control.url().toString()), nextDelivery(sim).url());
      }
      // close() lets attempts in flight finish, so a stray one has reached its receiver by now.
      sim.close();
      assertThrows(AssertionError.class, () -> deleted.take(Duration.ZERO),
          "the deleted registration got a webhook");
      assertTrue(sim.takeDelivery(Duration.ZERO).isEmpty());
    } finally {
      sim.close();
    }
  }
}
