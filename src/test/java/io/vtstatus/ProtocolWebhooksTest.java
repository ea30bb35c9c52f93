package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.Recorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each built-in profile's webhook body, in the shape and scheme of docs/PROTOCOLS.md (from
 * VENDORS.md), fed to a client of the simulator standing in for that API.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProtocolWebhooksTest {
  static final String SECRET = "whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==";
  private static final String OUTPUTS = "https://simulator.vtstatus.invalid/outputs/";

  @RegisterExtension final Closer closer = new Closer();
  private final Recorder rec = new Recorder();

  private SimulatorServer standIn(JobProtocol p) throws Exception {
    return closer.add(SimulatorServer.builder().protocol(p).dropWebhooks(1.0).build().start());
  }

  private StatusClient client(SimulatorServer sim, JobProtocol p, WebhookOptions hooks) {
    return closer.add(StatusClient.builder(sim.url()).protocol(p).webhook(hooks).listener(rec)
        .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(60))).build());
  }

  private static Map<String, List<String>> signed(String id, byte[] body) {
    long ts = Instant.now().getEpochSecond();
    return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(ts)),
        "webhook-signature", List.of(WebhookSigner.of(SECRET).sign(id, ts, body)));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Watches {@code job} and waits for its first look (so the schedule's next poll is far off). */
  private CompletableFuture<JobResult> watched(StatusClient c, String job) throws Exception {
    CompletableFuture<JobResult> w = c.watch(job);
    assertTrue(rec.awaitEvent("poll " + job + " PENDING", Duration.ofSeconds(10)));
    return w;
  }

  /** A stand-in for {@code p}, a client receiving with {@code o}, and a watched, running job. */
  private record Running(SimulatorServer sim, StatusClient client, String job,
      CompletableFuture<JobResult> watch) {
    int feed(String id, byte[] body) {
      return client.acceptWebhook(signed(id, body), body);
    }
  }

  private Running running(JobProtocol p, WebhookOptions o, JobStatus outcome) throws Exception {
    SimulatorServer sim = standIn(p);
    StatusClient c = client(sim, p, o);
    String job = sim.submit(Duration.ofHours(1), outcome);
    return new Running(sim, c, job, watched(c, job));
  }

  @Test
  void replicatesPredictionObjectEndsTheWatchWithItsOutputAndProgressEndsNothing() throws Exception {
    Running run = running(JobProtocol.replicate(), WebhookOptions.inbound().secret(SECRET),
        JobStatus.COMPLETED);
    String job = run.job();
    assertEquals(204, run.feed("msg_start", utf8(ProtocolFixtures.replicate(job, "processing", "null", "null"))));
    assertEquals(204, run.feed("msg_unknown", utf8(ProtocolFixtures.replicate(job, "paused", "null", "null"))));
    assertFalse(run.watch().isDone(), "start, output, logs and unknown words end nothing");
    assertEquals(204, run.feed("msg_done",
        utf8(ProtocolFixtures.replicate(job, "succeeded", "[\"https://x/1.png\"]", "null"))));
    JobResult r = run.watch().get(30, TimeUnit.SECONDS);
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(Optional.of("[\"https://x/1.png\"]"), r.output(), "from the body");
    assertEquals(1, r.polls(), "no extra read");
    assertEquals(400, run.feed("msg_noid", utf8("{\"status\":\"succeeded\"}")));
    assertEquals(400, run.feed("msg_badid", utf8("{\"id\":\"..\",\"status\":\"succeeded\"}")));
  }

  @Test
  void openAisEventCarriesOnlyTheIdSoTheBatchIsReadOnceMore() throws Exception {
    Running run = running(JobProtocol.openAiBatch(), WebhookOptions.inbound().secret(SECRET),
        JobStatus.COMPLETED);
    String job = run.job();
    byte[] other = utf8("{\"id\":\"evt_1\",\"object\":\"event\",\"created_at\":1750861210,"
        + "\"type\":\"response.completed\",\"data\":{\"id\":\"" + job + "\"}}");
    assertEquals(204, run.feed("msg_other", other));
    assertFalse(run.watch().isDone(), "an event type the profile does not map ends nothing");
    run.sim().complete(job, JobStatus.COMPLETED);
    byte[] done = utf8("{\"id\":\"evt_2\",\"object\":\"event\",\"created_at\":1750861210,"
        + "\"type\":\"batch.completed\",\"data\":{\"id\":\"" + job + "\"}}");
    assertEquals(204, run.feed("msg_done", done));
    JobResult r = run.watch().get(30, TimeUnit.SECONDS);
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(Optional.of(OUTPUTS + job), r.output(), "filled by one more read");
    assertEquals(2, r.polls(), "the first look and the extra read");
    assertTrue(r.document().orElseThrow().contains("\"output_file_id\""),
        "the batch's document, not the event's: " + r.document());
  }

  @Test
  void heygensUnsignedCallbackIsAHintConfirmedByAStatusRead() throws Exception {
    Running run = running(JobProtocol.heygenVideoTranslate(), WebhookOptions.inbound().unsigned(),
        JobStatus.ERROR);
    String job = run.job();
    StatusClient c = run.client();
    CompletableFuture<JobResult> w = run.watch();
    byte[] lie = utf8("{\"event_type\":\"video_translate.success\",\"event_data\":{"
        + "\"video_translate_id\":\"" + job + "\",\"url\":\"https://evil/x.mp4\"}}");
    assertEquals(202, c.acceptWebhook(Map.of(), lie));
    assertTrue(rec.awaitEvent("poll " + job + " PENDING", Duration.ofSeconds(10)), "confirmed");
    assertFalse(w.isDone(), "an unsigned success for a running job decides nothing");
    run.sim().complete(job, JobStatus.ERROR);
    byte[] fail = utf8("{\"event_type\":\"video_translate.fail\",\"event_data\":{"
        + "\"video_translate_id\":\"" + job + "\",\"message\":\"bad audio\"}}");
    assertEquals(202, c.acceptWebhook(Map.of(), fail));
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(JobStatus.ERROR, r.status());
    assertEquals(DetectedBy.POLL, r.detectedBy(), "the truth, read");
  }

  @Test
  void assemblyAisSharedHeaderVerifiesAndTheTranscriptIsReadForItsText() throws Exception {
    Running run = running(JobProtocol.assemblyAi(),
        WebhookOptions.inbound().sharedHeader("X-Webhook-Auth", "t0ken-value"), JobStatus.COMPLETED);
    String job = run.job();
    StatusClient c = run.client();
    CompletableFuture<JobResult> w = run.watch();
    byte[] done = utf8("{\"transcript_id\":\"" + job + "\",\"status\":\"completed\"}");
    assertEquals(401, c.acceptWebhook(Map.of("X-Webhook-Auth", List.of("guess")), done));
    assertFalse(w.isDone());
    run.sim().complete(job, JobStatus.COMPLETED);
    assertEquals(204, c.acceptWebhook(Map.of("x-webhook-auth", List.of("t0ken-value")), done));
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(Optional.of(OUTPUTS + job), r.output());
    assertEquals(2, r.polls());
  }

  @Test
  void theWebhookShapeIsCheckedWhenDeclared() {
    JobProtocol.Builder b = JobProtocol.json().statusUrl("/j/{id}").status("/s").pending("p")
        .completed("c").failed("f");
    assertEquals("Protocol json declares a webhook body but no webhookJobId",
        assertThrows(IllegalStateException.class, () -> JobProtocol.json().statusUrl("/j/{id}")
            .status("/s").pending("p").completed("c").failed("f").webhookStatus("/s").build())
            .getMessage());
    b.webhookJobId("/id");
    assertEquals("Protocol json needs exactly one of webhookStatus and webhookEventType",
        assertThrows(IllegalStateException.class, b::build).getMessage());
    b.webhookEventType("/type");
    assertEquals("Protocol json maps no webhookEvent",
        assertThrows(IllegalStateException.class, b::build).getMessage());
    b.webhookEvent("done", JobStatus.COMPLETED);
    b.build();
    b.webhookStatus("/s");
    assertThrows(IllegalStateException.class, b::build);
    assertThrows(IllegalArgumentException.class, () -> b.webhookJobId("id"));
    assertThrows(IllegalArgumentException.class, () -> b.webhookEvent("", JobStatus.ERROR));
    assertEquals("Protocol j maps webhookEvents but has no webhookEventType",
        assertThrows(IllegalStateException.class, () -> JobProtocol.json().name("j")
            .statusUrl("/j/{id}").status("/s").pending("p").completed("c").failed("f")
            .webhookJobId("/id").webhookStatus("/s").webhookEvent("x", JobStatus.ERROR).build())
            .getMessage());
  }
}
