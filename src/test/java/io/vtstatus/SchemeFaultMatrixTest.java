package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Closer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fault matrix's rows per verification scheme (docs/RELIABILITY.md): deliveries that claim
 * success for jobs that are still running and will fail, each fed through {@link
 * StatusClient#acceptWebhook} while the job runs. None may decide an outcome: every job ends
 * with the simulator's truth ({@code error}), found by a poll.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SchemeFaultMatrixTest {
  static final int JOBS = 20;
  static final String SECRET = "whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==";
  static final String HEADER = "X-Hook-Auth";
  static final String VALUE = "the-shared-value-0123";

  @RegisterExtension final Closer closer = new Closer();

  /** A scheme, a lie told to it, and the answer the lie must get. */
  enum Fault {
    STANDARD_FORGED(401),
    STANDARD_REPLAYED(401),
    STANDARD_TAMPERED(401),
    STANDARD_UNSIGNED(202),
    SHARED_HEADER_WRONG(401),
    SHARED_HEADER_MISSING(401),
    UNSIGNED_SUCCESS(202),
    CHECK_REFUSED(401);

    final int answer;

    Fault(int answer) {
      this.answer = answer;
    }

    WebhookOptions options() {
      switch (this) {
        case SHARED_HEADER_WRONG:
        case SHARED_HEADER_MISSING:
          return WebhookOptions.inbound().sharedHeader(HEADER, VALUE);
        case UNSIGNED_SUCCESS:
          return WebhookOptions.inbound().unsigned();
        case CHECK_REFUSED:
          return WebhookOptions.inbound().check((h, b) -> false);
        default:
          return WebhookOptions.inbound().secret(SECRET);
      }
    }

    /** The lie's headers, for {@code body} (a success claim) of delivery {@code n}. */
    Map<String, List<String>> headers(String n, byte[] body) {
      long now = Instant.now().getEpochSecond();
      Map<String, List<String>> h = new HashMap<>();
      switch (this) {
        case STANDARD_FORGED:
          return signed(WebhookSigner.of("whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY="), n, now, body);
        case STANDARD_REPLAYED:
          return signed(WebhookSigner.of(SECRET), n, now - 3600, body);
        case STANDARD_TAMPERED:
          return signed(WebhookSigner.of(SECRET), n, now,
              new String(body, StandardCharsets.UTF_8).replace("completed", "error")
                  .getBytes(StandardCharsets.UTF_8));
        case SHARED_HEADER_WRONG:
          h.put(HEADER, List.of(VALUE.substring(1) + "x"));
          return h;
        case CHECK_REFUSED:
          // Even a valid Standard Webhooks signature: this client's scheme is its check.
          return signed(WebhookSigner.of(SECRET), n, now, body);
        default:
          return h;
      }
    }

    private static Map<String, List<String>> signed(WebhookSigner s, String id, long ts, byte[] body) {
      return new HashMap<>(Map.of("webhook-id", List.of(id), "webhook-timestamp",
          List.of(Long.toString(ts)), "webhook-signature", List.of(s.sign(id, ts, body))));
    }
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void noLieDecidesAnOutcomeAndTheTruthWins(Fault f) throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().dropWebhooks(1.0).build().start());
    AtomicInteger webhookEnded = new AtomicInteger();
    StatusClient c = closer.add(StatusClient.builder(sim.url()).webhook(f.options())
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(150)))
        .listener(new JobListener() {
          @Override
          public void completed(JobResult r) {
            if (r.detectedBy() == DetectedBy.WEBHOOK) {
              webhookEnded.incrementAndGet();
            }
          }
        }).build());
    List<String> jobs = new ArrayList<>();
    List<CompletableFuture<JobResult>> watches = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      String job = sim.submit(Duration.ofMillis(400 + 20 * i), JobStatus.ERROR);
      jobs.add(job);
      watches.add(c.watch(job));
    }
    for (int i = 0; i < JOBS; i++) {
      byte[] lie = ("{\"job\":\"" + jobs.get(i) + "\",\"status\":\"completed\"}")
          .getBytes(StandardCharsets.UTF_8);
      assertEquals(f.answer, c.acceptWebhook(f.headers("msg_" + i, lie), lie), f + " job " + i);
    }
    for (int i = 0; i < JOBS; i++) {
      JobResult r = watches.get(i).get(60, TimeUnit.SECONDS);
      assertEquals(JobStatus.ERROR, r.status(), "the truth for job " + i);
      assertEquals(DetectedBy.POLL, r.detectedBy());
    }
    assertEquals(0, webhookEnded.get(), "no lie ended a watch");
  }

  @Test
  void aReplayOfARealDeliveryIsAcknowledgedAndIgnored() throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().dropWebhooks(1.0).build().start());
    List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch marker = new java.util.concurrent.CountDownLatch(1);
    StatusClient c = closer.add(StatusClient.builder(sim.url()).webhook(Fault.STANDARD_FORGED.options())
        .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(30))).listener(new JobListener() {
          @Override
          public void webhookReceived(String jobId, JobStatus status, boolean verified) {
            received.add(jobId);
            if (jobId.equals("marker")) {
              marker.countDown();
            }
          }
        }).build());
    String job = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    byte[] real = ("{\"job\":\"" + job + "\",\"status\":\"completed\"}").getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> h = Fault.signed(WebhookSigner.of(SECRET), "msg_real",
        Instant.now().getEpochSecond(), real);
    CompletableFuture<JobResult> w = c.watch(job);
    assertEquals(204, c.acceptWebhook(h, real));
    assertEquals(DetectedBy.WEBHOOK, w.get(30, TimeUnit.SECONDS).detectedBy());
    assertEquals(204, c.acceptWebhook(h, real), "the replay is acknowledged");
    // Acts run in order on the client's scheduler: once the marker's has run, a replay acted
    // on would have run too.
    byte[] m = "{\"job\":\"marker\",\"status\":\"completed\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(204, c.acceptWebhook(Fault.signed(WebhookSigner.of(SECRET), "msg_marker",
        Instant.now().getEpochSecond(), m), m));
    assertTrue(marker.await(30, TimeUnit.SECONDS));
    assertEquals(List.of(job, "marker"), received, "the replay was not acted on");
  }
}
