package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vtstatus.testing.MutableClock;
import io.vtstatus.testing.RawHttpServer;
import io.vtstatus.testing.Recorder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's listener and the keys it trusts, over real sockets: keys from the registration
 * answer ({@code v1} secrets, {@code v1a} public keys), keys configured in {@link
 * WebhookOptions}, raw-byte bodies, and a server rotating its keys with and without an overlap.
 * The server is scripted: the test decides what each registration answers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebhookKeysTest {
  private static final String OURS = "whsec_" + "b3Vycy1zZWNyZXQtMDEyMzQ1Njc4OWFi";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AtomicReference<String> answer = new AtomicReference<>("ok");
  private final Recorder rec = new Recorder();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private RawHttpServer server;
  private StatusClient client;

  @BeforeEach
  void start() {
    server = new RawHttpServer(r -> r.path().equals("/register-webhook")
        ? RawHttpServer.json(200, answer.get())
        : RawHttpServer.json(200, "{\"job\":\"x\",\"status\":\"pending\"}"));
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private void connect(WebhookOptions options) throws Exception {
    client = StatusClient.builder(server.url()).webhook(options).clock(clock).listener(rec)
        .pollSchedule(PollSchedule.fixed(Duration.ofHours(1))).build();
    assertEquals("ok", rec.awaitRegistration(WAIT));
  }

  private static byte[] body(String job) {
    // Multibyte on purpose: the signature is over these bytes, not over a re-encoded string.
    return ("{\"job\":\"" + job + "\",\"status\":\"completed\",\"note\":\"Zoë, 東京 🎬\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private int deliver(String id, long ts, String signature, byte[] body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(client.webhookUrl().orElseThrow())
        .header("Content-Type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(ts))
        .header("webhook-signature", signature)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .timeout(WAIT)
        .build();
    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private int deliverSigned(String id, String job, WebhookSigner signer, long ts) throws Exception {
    byte[] b = body(job);
    return deliver(id, ts, signer.sign(id, ts, b), b);
  }

  @Test
  void aV1aSendersPublicKeyFromTheRegistrationAnswerVerifiesItsDeliveries() throws Exception {
    WebhookSigner.KeyPair pair = WebhookSigner.newKeyPair();
    answer.set("{\"webhook\":\"wh_1\",\"public_key\":\"" + pair.publicKey() + "\"}");
    connect(WebhookOptions.port(0).secret(OURS));
    CompletableFuture<JobResult> w = client.watch("job_1", Duration.ofSeconds(30));
    long now = clock.epochSecond();
    // The registered secret is no longer trusted: the server signs v1a only, and anyone who
    // learnt the shared secret must not be able to forge.
    assertEquals(401, deliverSigned("msg_0", "job_1", WebhookSigner.of(OURS), now));
    assertEquals(204, deliverSigned("msg_1", "job_1", WebhookSigner.of(pair.secretKey()), now));
    JobResult r = w.get(30, TimeUnit.SECONDS);
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(JobStatus.COMPLETED, r.status());
  }

  @Test
  void configuredKeysAreTrustedBesideTheRegisteredSecret() throws Exception {
    String old = WebhookSigner.newSecret();
    WebhookSigner.KeyPair pair = WebhookSigner.newKeyPair();
    connect(WebhookOptions.port(0).secret(OURS).verificationKeys(old, pair.publicKey()));
    long now = clock.epochSecond();
    assertEquals(204, deliverSigned("msg_1", "job_1", WebhookSigner.of(OURS), now));
    assertEquals(204, deliverSigned("msg_2", "job_2", WebhookSigner.of(old), now));
    assertEquals(204, deliverSigned("msg_3", "job_3", WebhookSigner.of(pair.secretKey()), now));
    assertEquals(401, deliverSigned("msg_4", "job_4", WebhookSigner.of(WebhookSigner.newSecret()), now));
    // Bytes that differ from the signed ones by one re-encoding are a forgery.
    byte[] b = body("job_5");
    String sig = WebhookSigner.of(OURS).sign("msg_5", now, b);
    byte[] reencoded = new String(b, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8);
    assertEquals(401, deliver("msg_5", now, sig, reencoded));
    assertEquals(204, deliver("msg_5", now, sig, b));
    assertEquals(0, rec.failures.size());
  }

  /** A key of either scheme: what the server's answer says, and what the sender signs with. */
  private record Key(String answerField, String verifyWith, String signWith) {
    static Key of(boolean asymmetric) {
      if (asymmetric) {
        WebhookSigner.KeyPair p = WebhookSigner.newKeyPair();
        return new Key("public_key", p.publicKey(), p.secretKey());
      }
      String s = WebhookSigner.newSecret();
      return new Key("secret", s, s);
    }

    String answer() {
      return "{\"webhook\":\"wh_1\",\"" + answerField + "\":\"" + verifyWith + "\"}";
    }
  }

  @ParameterizedTest(name = "asymmetric={0}")
  @ValueSource(booleans = {false, true})
  void aRotationWithOverlapIsLearntFromTheFirstDeliveryCarryingTheNewKey(boolean asymmetric)
      throws Exception {
    Key a = Key.of(asymmetric);
    Key b = Key.of(asymmetric);
    answer.set(a.answer());
    connect(WebhookOptions.port(0).secret(OURS));
    long t0 = clock.epochSecond();
    assertEquals(204, deliverSigned("msg_1", "job_1", WebhookSigner.of(a.signWith()), t0));
    // The server rotates to b, and signs with both while the overlap lasts.
    answer.set(b.answer());
    assertEquals(204, deliverSigned("msg_2", "job_2", WebhookSigner.of(a.signWith(), b.signWith()), t0));
    // That delivery verified with a, but carried an entry no key matched: the client asks.
    assertEquals("ok", rec.awaitRegistration(WAIT));
    clock.advance(Duration.ofSeconds(1));
    long t1 = clock.epochSecond();
    assertEquals(204, deliverSigned("msg_3", "job_3", WebhookSigner.of(a.signWith(), b.signWith()), t1));
    assertEquals(204, deliverSigned("msg_4", "job_4", WebhookSigner.of(b.signWith()), t1));
    assertEquals(401, deliverSigned("msg_5", "job_5", WebhookSigner.of(a.signWith()), t1),
        "signed with the retired key after its retirement");
    assertEquals(204, deliverSigned("msg_6", "job_6", WebhookSigner.of(a.signWith()), t0),
        "signed with the retired key before its retirement, still in flight");
    clock.advance(WebhookVerifier.DEFAULT_TOLERANCE);
    assertEquals(401, deliverSigned("msg_7", "job_7", WebhookSigner.of(a.signWith()), t0), "and that is stale now");
  }

  @Test
  void aRotationWithoutOverlapIsLearntFromTheFirstRefusalAndTheRetryPasses() throws Exception {
    String a = WebhookSigner.newSecret();
    WebhookSigner.KeyPair b = WebhookSigner.newKeyPair();
    answer.set("{\"webhook\":\"wh_1\",\"secret\":\"" + a + "\"}");
    connect(WebhookOptions.port(0).secret(OURS));
    CompletableFuture<JobResult> w = client.watch("job_1", Duration.ofSeconds(30));
    answer.set("{\"webhook\":\"wh_1\",\"public_key\":\"" + b.publicKey() + "\"}");
    long now = clock.epochSecond();
    WebhookSigner next = WebhookSigner.of(b.secretKey());
    assertEquals(401, deliverSigned("msg_1", "job_1", next, now));
    assertEquals("ok", rec.awaitRegistration(WAIT));
    assertEquals(204, deliverSigned("msg_1", "job_1", next, now), "the sender's retry, same id");
    assertEquals(DetectedBy.WEBHOOK, w.get(30, TimeUnit.SECONDS).detectedBy());
    Optional<RawHttpServer.Request> any;
    int registrations = 0;
    while ((any = server.take(Duration.ZERO)).isPresent()) {
      registrations += any.get().path().equals("/register-webhook") ? 1 : 0;
    }
    assertEquals(2, registrations, "one at start, one to learn the new key");
  }
}
