package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.Recorder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator standing in for an API sends that API's webhooks, in its shape and scheme, to the
 * URL given on create; a client of that profile, listening with the matching scheme, is ended by
 * them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StandInWebhooksTest {
  private static final String OUTPUTS = "https://simulator.vtstatus.invalid/outputs/";
  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

  @RegisterExtension final Closer closer = new Closer();
  private final Recorder rec = new Recorder();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private String post(SimulatorServer sim, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(sim.url("/jobs"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
    return r.body();
  }

  /** Creates an hour-long job whose webhook goes to {@code c}; waits for the client's first look. */
  private CompletableFuture<JobResult> created(SimulatorServer sim, StatusClient c, String[] job)
      throws Exception {
    String answer = post(sim, "{\"duration_ms\":3600000,\"outcome\":\"completed\",\"webhook\":\""
        + c.webhookUrl().orElseThrow() + "\"}");
    Matcher m = ID.matcher(answer);
    assertTrue(m.find(), answer);
    job[0] = m.group(1);
    CompletableFuture<JobResult> w = c.watch(job[0]);
    assertTrue(rec.awaitEvent("poll " + job[0] + " PENDING", Duration.ofSeconds(10)));
    return w;
  }

  private StatusClient client(SimulatorServer sim, JobProtocol p, WebhookOptions o) {
    return closer.add(StatusClient.builder(sim.url()).protocol(p).webhook(o).listener(rec)
        .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(60))).build());
  }

  @Test
  void replicateSignsThePredictionObjectWithTheAccountSecret() throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().protocol(JobProtocol.replicate())
        .build().start());
    HttpResponse<String> s = http.send(HttpRequest.newBuilder(sim.url("/v1/webhooks/default/secret"))
        .build(), HttpResponse.BodyHandlers.ofString());
    Matcher key = Pattern.compile("\"key\":\"(whsec_[^\"]+)\"").matcher(s.body());
    assertTrue(key.find(), s.body());
    StatusClient c = client(sim, JobProtocol.replicate(), WebhookOptions.port(0).secret(key.group(1)));
    String[] job = new String[1];
    CompletableFuture<JobResult> w = created(sim, c, job);
    sim.complete(job[0], JobStatus.COMPLETED);
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(Optional.of(OUTPUTS + job[0]), r.output(), "from the body: no extra read");
    assertEquals(1, r.polls());
    assertTrue(rec.awaitEvent("webhook " + job[0] + " COMPLETED verified", Duration.ofSeconds(5)));
  }

  @Test
  void assemblyAiSendsItsSharedHeaderAndAWrongOneIsRefused() throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().protocol(JobProtocol.assemblyAi())
        .webhookHeader("X-Hook-Token", "local-token-1234").build().start());
    StatusClient wrong = client(sim, JobProtocol.assemblyAi(),
        WebhookOptions.port(0).sharedHeader("X-Hook-Token", "another-token"));
    String[] job = new String[1];
    CompletableFuture<JobResult> w = created(sim, wrong, job);
    sim.complete(job[0], JobStatus.ERROR);
    // Refused (401 stops AssemblyAI's retries); the truth is read by the next poll.
    assertTrue(rec.awaitEvent("rejected 401", Duration.ofSeconds(10)));
    assertFalse(w.isDone(), "never decided by the refused delivery");
    wrong.close();

    StatusClient right = client(sim, JobProtocol.assemblyAi(),
        WebhookOptions.port(0).sharedHeader("x-hook-token", "local-token-1234"));
    CompletableFuture<JobResult> w2 = created(sim, right, job);
    sim.complete(job[0], JobStatus.ERROR);
    JobResult r = w2.get(30, TimeUnit.SECONDS);
    assertEquals(JobStatus.ERROR, r.status());
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(Optional.of("simulated failure (error)"), r.error(), "read once more");
    assertEquals(2, r.polls());
  }

  @Test
  void heygensCallbackIsUnsignedAndConfirmedByAPoll() throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder()
        .protocol(JobProtocol.heygenVideoTranslate()).build().start());
    StatusClient c = client(sim, JobProtocol.heygenVideoTranslate(), WebhookOptions.port(0).unsigned());
    String[] job = new String[1];
    CompletableFuture<JobResult> w = created(sim, c, job);
    sim.complete(job[0], JobStatus.COMPLETED);
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertTrue(rec.awaitEvent("webhook " + job[0] + " COMPLETED unsigned", Duration.ofSeconds(5)));
    assertEquals(DetectedBy.POLL, r.detectedBy(), "a hint, confirmed");
    assertEquals(Optional.of(OUTPUTS + job[0]), r.output());
  }

  @Test
  void openAiSendsABatchEventOnAProjectEndpoint() throws Exception {
    String secret = WebhookSigner.newSecret();
    SimulatorServer sim = closer.add(SimulatorServer.builder().protocol(JobProtocol.openAiBatch())
        .build().start());
    StatusClient c = client(sim, JobProtocol.openAiBatch(), WebhookOptions.port(0).secret(secret));
    // A project-level endpoint: registered once, for every batch, with its secret.
    HttpResponse<String> reg = http.send(HttpRequest.newBuilder(sim.url("/register-webhook"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + c.webhookUrl().orElseThrow()
            + "\",\"secret\":\"" + secret + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, reg.statusCode(), reg.body());
    String job = sim.submit(Duration.ofHours(1), JobStatus.ERROR);
    CompletableFuture<JobResult> w = c.watch(job);
    assertTrue(rec.awaitEvent("poll " + job + " PENDING", Duration.ofSeconds(10)));
    sim.complete(job, JobStatus.ERROR);
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(JobStatus.ERROR, r.status());
    assertTrue(r.error().orElseThrow().startsWith("simulated failure ("), r.toString());
  }
}
