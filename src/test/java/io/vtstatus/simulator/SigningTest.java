package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.WebhookSigner;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerifier;
import io.vtstatus.simulator.SimulatorServer.Signing;
import io.vtstatus.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulator as a Standard Webhooks sender, over real sockets: {@code --signing v1|v1a|both},
 * what the registration answer carries, and {@code POST /webhooks/ID/rotate} with its overlap,
 * stepped over on the simulator's clock instead of waited for.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SigningTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String SECRET = "whsec_" + "c2lnbmluZy10ZXN0LXNlY3JldC0wMTIz";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final Receiver receiver = new Receiver();
  private SimulatorServer sim;

  private SimulatorServer start(Signing signing, Duration overlap) throws Exception {
    sim = SimulatorServer.builder().signing(signing).rotationOverlap(overlap).clock(clock)
        .delay(JobDurations.fixed(Duration.ofHours(1))).build().start();
    return sim;
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
    receiver.close();
  }

  private Map<String, Object> register(String secret) {
    String body = "{\"url\":\"" + receiver.url() + "\"" + (secret == null ? "" : ",\"secret\":\"" + secret + "\"") + "}";
    HttpResponse<String> r = Http.post(sim.url("/register-webhook"), body);
    assertEquals(200, r.statusCode(), r.body());
    assertFalse(r.body().contains("whsk_"), "a secret key never leaves the simulator: " + r.body());
    return Http.json(r);
  }

  private Map<String, Object> rotate(String id) {
    HttpResponse<String> r = Http.post(sim.url("/webhooks/" + id + "/rotate"), "");
    assertEquals(200, r.statusCode(), r.body());
    assertFalse(r.body().contains("whsk_"), r.body());
    return Http.json(r);
  }

  /** Ends a job and returns its delivery as received. */
  private Receiver.Received delivery() throws Exception {
    String job = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    sim.complete(job, JobStatus.COMPLETED);
    return receiver.take(WAIT);
  }

  private static String[] entries(Receiver.Received d) {
    return d.header("webhook-signature").split(" ");
  }

  private static List<String> schemes(Receiver.Received d) {
    return Arrays.stream(entries(d)).map(e -> e.substring(0, e.indexOf(','))).toList();
  }

  private void verifies(Receiver.Received d, String... keys) throws WebhookVerificationException {
    WebhookVerifier.of(List.of(keys)).clock(clock).verify(d.headers(), d.body().getBytes(StandardCharsets.UTF_8));
  }

  private void refused(Receiver.Received d, String... keys) {
    assertThrows(WebhookVerificationException.class, () -> verifies(d, keys));
  }

  @Test
  void v1IsTheDefaultAndSignsWithTheRegisteredSecret() throws Exception {
    sim = SimulatorServer.builder().clock(clock).build().start();
    Map<String, Object> answer = register(SECRET);
    assertEquals(SECRET, answer.get("secret"));
    assertFalse(answer.containsKey("public_key"));
    Receiver.Received d = delivery();
    assertEquals(List.of("v1"), schemes(d));
    verifies(d, SECRET);
    assertEquals(Long.toString(clock.epochSecond()), d.header("webhook-timestamp"));
  }

  @Test
  void v1aAnswersAPublicKeyAndNoSharedSecret() throws Exception {
    start(Signing.V1A, Duration.ofHours(24));
    Map<String, Object> answer = register(SECRET);
    assertFalse(answer.containsKey("secret"), "with v1a only, no shared secret is trusted: " + answer);
    String pk = (String) answer.get("public_key");
    assertTrue(pk.startsWith("whpk_"), pk);
    Receiver.Received d = delivery();
    assertEquals(List.of("v1a"), schemes(d));
    verifies(d, pk);
    refused(d, SECRET);
    // The same registration again: the same key (a client's refresh learns nothing new).
    assertEquals(pk, register(SECRET).get("public_key"));
    // Without a secret the registration is another one, with its own pair.
    Map<String, Object> other = register(null);
    assertNotEquals(pk, other.get("public_key"));
    assertNotEquals(answer.get("webhook"), other.get("webhook"));
  }

  @Test
  void bothCarriesBothSignaturesEachVerifyingAlone() throws Exception {
    start(Signing.BOTH, Duration.ofHours(24));
    Map<String, Object> answer = register(null);
    String secret = (String) answer.get("secret");
    String pk = (String) answer.get("public_key");
    assertTrue(secret.startsWith("whsec_") && pk.startsWith("whpk_"), answer.toString());
    Receiver.Received d = delivery();
    assertEquals(List.of("v1", "v1a"), schemes(d));
    verifies(d, secret);
    verifies(d, pk);
    refused(d, WebhookSigner.newSecret(), WebhookSigner.newKeyPair().publicKey());
  }

  @ParameterizedTest
  @EnumSource(Signing.class)
  void aRotationSignsWithOldAndNewUntilTheOverlapEndsThenWithNewOnly(Signing signing) throws Exception {
    start(signing, Duration.ofHours(1));
    Map<String, Object> before = register(SECRET);
    String id = (String) before.get("webhook");
    List<String> oldKeys = keys(before);
    Map<String, Object> after = rotate(id);
    assertEquals(id, after.get("webhook"));
    List<String> newKeys = keys(after);
    assertEquals(oldKeys.size(), newKeys.size(), after.toString());
    for (String k : newKeys) {
      assertFalse(oldKeys.contains(k), "every key is new: " + after);
    }
    assertEquals("2026-03-01T13:00:00.000000Z", after.get("previous_keys_until"));
    // A client refreshing its registration (same url and secret) learns the new keys.
    assertEquals(newKeys, keys(register(SECRET)));

    Receiver.Received during = delivery();
    assertEquals(2 * oldKeys.size(), entries(during).length, during.header("webhook-signature"));
    for (String k : oldKeys) {
      verifies(during, k);
    }
    for (String k : newKeys) {
      verifies(during, k);
    }

    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertEquals(2 * oldKeys.size(), entries(delivery()).length, "the overlap's last second");
    clock.advance(Duration.ofSeconds(1));
    Receiver.Received afterwards = delivery();
    assertEquals(newKeys.size(), entries(afterwards).length, afterwards.header("webhook-signature"));
    for (String k : newKeys) {
      verifies(afterwards, k);
    }
    for (String k : oldKeys) {
      refused(afterwards, k);
    }
  }

  private static List<String> keys(Map<String, Object> answer) {
    return java.util.stream.Stream.of("secret", "public_key").filter(answer::containsKey)
        .map(k -> (String) answer.get(k)).toList();
  }

  @Test
  void withoutOverlapTheOldKeysStopAtOnce() throws Exception {
    start(Signing.BOTH, Duration.ZERO);
    Map<String, Object> before = register(SECRET);
    Map<String, Object> after = rotate((String) before.get("webhook"));
    assertFalse(after.containsKey("previous_keys_until"), after.toString());
    Receiver.Received d = delivery();
    assertEquals(2, entries(d).length);
    verifies(d, keys(after).toArray(new String[0]));
    refused(d, keys(before).toArray(new String[0]));
  }

  @Test
  void aRotationDuringAnOverlapDropsTheOldestKeys() throws Exception {
    start(Signing.V1, Duration.ofHours(1));
    Map<String, Object> first = register(SECRET);
    String id = (String) first.get("webhook");
    Map<String, Object> second = rotate(id);
    Map<String, Object> third = rotate(id);
    Receiver.Received d = delivery();
    assertEquals(2, entries(d).length);
    verifies(d, (String) second.get("secret"));
    verifies(d, (String) third.get("secret"));
    refused(d, SECRET);
  }

  @Test
  void rotateAnswersClearlyWhenItCannot() throws Exception {
    start(Signing.V1, Duration.ofHours(1));
    assertEquals(404, Http.post(sim.url("/webhooks/wh_nope/rotate"), "").statusCode());
    String id = (String) register(null).get("webhook");
    HttpResponse<String> get = Http.get(sim.url("/webhooks/" + id + "/rotate"));
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    assertEquals(405, Http.post(sim.url("/webhooks/" + id), "").statusCode(), "POST /webhooks/ID is not rotate");
    assertEquals(204, Http.delete(sim.url("/webhooks/" + id)).statusCode());
    assertEquals(404, Http.post(sim.url("/webhooks/" + id + "/rotate"), "").statusCode());
    assertEquals(404, Http.post(sim.url("/webhooks//rotate"), "").statusCode());
  }

  @Test
  void theBuilderAndTheCliRefuseBadValues() {
    SimulatorServer.Builder b = SimulatorServer.builder();
    assertThrows(NullPointerException.class, () -> b.signing(null));
    assertThrows(NullPointerException.class, () -> b.rotationOverlap(null));
    assertThrows(IllegalArgumentException.class, () -> b.rotationOverlap(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.rotationOverlap(Duration.ofDays(31)));
    b.rotationOverlap(Duration.ofDays(30));
    b.rotationOverlap(Duration.ZERO);
  }
}
