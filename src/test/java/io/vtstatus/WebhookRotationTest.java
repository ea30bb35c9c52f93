package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.simulator.WebhookDelivery;
import io.vtstatus.testing.MutableClock;
import io.vtstatus.testing.Recorder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Key rotation end to end, over real sockets: 200 jobs while the simulator rotates the client's
 * registration mid-stream. No genuine delivery is refused (old and new signatures travel together
 * during the overlap, and the client learns the new keys from the first of them); once the
 * overlap is over, a delivery signed with the old key only is refused with 401. The overlap is
 * stepped over on a shared clock, not waited for.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookRotationTest {
  private static final String SECRET = "whsec_" + "cm90YXRpb24tdGVzdC1zZWNyZXQtMDEy";
  private static final Duration OVERLAP = Duration.ofMinutes(10);
  private static final Duration WAIT = Duration.ofSeconds(30);

  // Three quarters of the jobs are created before the rotation, ending 10 ms apart, and it comes
  // once half have ended, so deliveries may be in flight around it; the last quarter is created
  // after it, so some are certainly signed with the new keys whatever the machine's load (with all
  // 80 created up front, a machine loaded to 10 times its cores once saw no registration after the
  // rotation). `make soak` runs 400.
  @ParameterizedTest
  @EnumSource(SimulatorServer.Signing.class)
  void rotatingMidStreamRefusesNoGenuineDeliveryAndTheOldKeyAfterTheOverlap(
      SimulatorServer.Signing signing) throws Exception {
    rotateMidStream(signing, 80);
  }

  @ParameterizedTest
  @EnumSource(SimulatorServer.Signing.class)
  @Tag("soak")
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void rotatingMidStreamInALongRun(SimulatorServer.Signing signing) throws Exception {
    rotateMidStream(signing, 400);
  }

  private static void rotateMidStream(SimulatorServer.Signing signing, int jobs) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T08:00:00Z"));
    Recorder rec = new Recorder();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (SimulatorServer sim = SimulatorServer.builder().signing(signing).rotationOverlap(OVERLAP)
            .clock(clock).build().start();
        StatusClient client = StatusClient.builder(sim.url())
            .webhook(WebhookOptions.port(0).secret(SECRET)).clock(clock).listener(rec)
            .pollSchedule(PollSchedule.fixed(Duration.ofHours(1))).timeout(Duration.ofMinutes(2))
            .build()) {
      assertEquals("ok", rec.awaitRegistration(WAIT));
      List<CompletableFuture<JobResult>> watches = new ArrayList<>();
      int before = jobs * 3 / 4;
      for (int i = 0; i < before; i++) {
        // Created by the client, so no first look races the deliveries (a job created elsewhere
        // is polled within a second: it may have ended before its watch).
        String job = client.submit(Duration.ofMillis(10L * i), JobStatus.COMPLETED);
        watches.add(client.watch(job));
      }
      for (int i = 0; i < jobs / 2; i++) {
        watches.get(i).get(30, TimeUnit.SECONDS);
      }
      String webhook = sim.takeDelivery(WAIT).orElseThrow().webhookId();
      HttpResponse<String> rotated = http.send(
          HttpRequest.newBuilder(sim.url("/webhooks/" + webhook + "/rotate"))
              .POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, rotated.statusCode(), rotated.body());
      for (int i = before; i < jobs; i++) {
        watches.add(client.watch(client.submit(Duration.ofMillis(10L * (i - before)), JobStatus.COMPLETED)));
      }

      for (CompletableFuture<JobResult> w : watches) {
        assertEquals(DetectedBy.WEBHOOK, w.get(60, TimeUnit.SECONDS).detectedBy());
      }
      assertEquals(0, rec.rejected.get(), "a genuine delivery was refused");
      TreeMap<Integer, Integer> codes = new TreeMap<>();
      Optional<WebhookDelivery> d;
      while ((d = sim.takeDelivery(Duration.ZERO)).isPresent()) {
        codes.merge(d.get().statusCode(), 1, Integer::sum);
      }
      assertEquals(List.of(204), List.copyOf(codes.keySet()), "every attempt answered 204: " + codes);
      // The client registered again after the rotation: the answer brought it the new keys.
      assertEquals("ok", rec.awaitRegistration(WAIT));

      clock.advance(OVERLAP.plusSeconds(1));
      String pending = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      CompletableFuture<JobResult> last = client.watch(pending);
      // A delivery signed with the old secret only, fresh in time: refused. Under v1 and both the
      // registered secret was the registration's v1 key until the rotation; under v1a it was
      // never trusted (the answer carried a public key only), and the old Ed25519 key, which
      // only the simulator holds, is retired the same way (WebhookKeysTest signs with one).
      long now = clock.epochSecond();
      byte[] body = ("{\"job\":\"" + pending + "\",\"status\":\"completed\"}").getBytes(StandardCharsets.UTF_8);
      HttpResponse<Void> forged = http.send(HttpRequest.newBuilder(client.webhookUrl().orElseThrow())
              .header("Content-Type", "application/json")
              .header("webhook-id", "msg_old_key_only")
              .header("webhook-timestamp", Long.toString(now))
              .header("webhook-signature", WebhookSigner.of(SECRET).sign("msg_old_key_only", now, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.discarding());
      assertEquals(401, forged.statusCode());
      assertTrue(rec.awaitEvent("rejected 401", WAIT));
      assertTrue(!last.isDone(), "the refused delivery decided nothing");
      // The simulator, now signing with the new keys only, still gets through.
      sim.complete(pending, JobStatus.ERROR);
      JobResult r = last.get(30, TimeUnit.SECONDS);
      assertEquals(JobStatus.ERROR, r.status());
      assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    }
  }
}
