package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vtstatus.WebhookSigner;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What key material a registration answer yields, whatever shape the answer takes. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RegistrationKeysTest {
  private static final String OURS = "whsec_" + "A".repeat(32);
  private static final String THEIRS = "whsec_" + "B".repeat(32);
  private final FakeTransport net = new FakeTransport();
  private final StatusApi api = new StatusApi(URI.create("http://server"), net, Clock.systemUTC());

  private List<String> keysFrom(int code, String answer) throws Exception {
    CompletableFuture<List<String>> f =
        api.register(URI.create("http://127.0.0.1:9/webhook"), OURS, Duration.ofSeconds(5));
    net.last().answer(code, answer);
    return f.get(5, TimeUnit.SECONDS);
  }

  @Test
  void theAnswersSecretAndPublicKeyAreTheKeys() throws Exception {
    String pk = WebhookSigner.newKeyPair().publicKey();
    assertEquals(List.of(THEIRS), keysFrom(200, "{\"webhook\":\"wh_1\",\"secret\":\"" + THEIRS + "\"}"));
    assertEquals(List.of(pk), keysFrom(200, "{\"webhook\":\"wh_1\",\"public_key\":\"" + pk + "\"}"));
    assertEquals(List.of(THEIRS, pk),
        keysFrom(201, "{\"public_key\":\"" + pk + "\",\"secret\":\"" + THEIRS + "\"}"));
  }

  @Test
  void anAnswerWithoutUsableKeysLeavesOurSecret() throws Exception {
    assertEquals(List.of(OURS), keysFrom(200, "ok"), "the original server's answer");
    assertEquals(List.of(OURS), keysFrom(200, ""));
    assertEquals(List.of(OURS), keysFrom(200, "{\"webhook\":\"wh_1\"}"));
    assertEquals(List.of(OURS), keysFrom(200, "{\"secret\":\"whsec_short\"}"));
    assertEquals(List.of(OURS), keysFrom(200, "{\"secret\":42}"));
    // A public key we cannot use makes the whole answer's key material suspect.
    assertEquals(List.of(OURS), keysFrom(200, "{\"secret\":\"" + THEIRS + "\",\"public_key\":\"whpk_AAAA\"}"));
    // Something that is not a whpk_ under public_key is not ours to interpret.
    assertEquals(List.of(THEIRS), keysFrom(200, "{\"secret\":\"" + THEIRS + "\",\"public_key\":\"pem...\"}"));
    // A whsk_ secret key is never something a receiver should trust or hold.
    String sk = WebhookSigner.newKeyPair().secretKey();
    assertEquals(List.of(OURS), keysFrom(200, "{\"public_key\":\"" + sk + "\"}"));
  }
}
