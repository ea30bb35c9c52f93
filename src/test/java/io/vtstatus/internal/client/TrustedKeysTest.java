package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.WebhookSigner;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerificationException.Reason;
import io.vtstatus.internal.webhook.KeyRing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which keys the listener trusts as the server's keys change, on a time axis of our own. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TrustedKeysTest {
  private static final long T0 = 1_700_000_000L;
  private static final long TOLERANCE = 300;
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);
  private final String a = WebhookSigner.newSecret();
  private final String b = WebhookSigner.newSecret();
  private final String c = WebhookSigner.newSecret();
  private final WebhookSigner.KeyPair pair = WebhookSigner.newKeyPair();

  private static String sig(long ts, String... keys) {
    return WebhookSigner.of(List.of(keys)).sign("m", ts, BODY);
  }

  private static KeyRing.Match verify(TrustedKeys k, String sig, long ts, long now)
      throws WebhookVerificationException {
    return k.verify("m", Long.toString(ts), sig, BODY, now);
  }

  private static Reason refused(TrustedKeys k, String sig, long ts, long now) {
    return assertThrows(WebhookVerificationException.class, () -> verify(k, sig, ts, now)).reason();
  }

  @Test
  void withoutKeysNothingVerifies() {
    TrustedKeys k = new TrustedKeys(List.of(), List.of(), TOLERANCE);
    assertFalse(k.any());
    assertThrows(IllegalStateException.class, () -> verify(k, sig(T0, a), T0, T0));
    k.use(List.of(a), T0);
    assertTrue(k.any());
  }

  @Test
  void theServersKeysReplaceOursAndConfiguredKeysStay() throws Exception {
    TrustedKeys k = new TrustedKeys(List.of(c, pair.publicKey()), List.of(a), TOLERANCE);
    verify(k, sig(T0, a), T0, T0);
    verify(k, sig(T0, c), T0, T0);
    verify(k, sig(T0, pair.secretKey()), T0, T0);
    assertEquals(Reason.BAD_SIGNATURE, refused(k, sig(T0, b), T0, T0));
    k.use(List.of(b), T0);
    verify(k, sig(T0, b), T0, T0);
    verify(k, sig(T0, c), T0, T0);
    verify(k, sig(T0, pair.secretKey()), T0, T0);
    // The same keys again (every refresh answers them) change nothing.
    k.use(List.of(b), T0 + 100);
    verify(k, sig(T0 + 100, b), T0 + 100, T0 + 100);
  }

  /** Keys whose server has answered {@code current} once already. */
  private static TrustedKeys answered(List<String> configured, List<String> current) {
    TrustedKeys k = new TrustedKeys(configured, List.of(), TOLERANCE);
    k.use(current, T0 - 1000);
    return k;
  }

  @Test
  void theSecretWeRegisterIsReplacedOutrightByTheFirstAnswer() throws Exception {
    TrustedKeys k = new TrustedKeys(List.of(), List.of(a), TOLERANCE);
    verify(k, sig(T0, a), T0, T0);
    k.use(List.of(b), T0);
    assertEquals(Reason.BAD_SIGNATURE, refused(k, sig(T0 - 1, a), T0 - 1, T0),
        "a server answering its own keys never signed with ours: nothing to retire");
    verify(k, sig(T0, b), T0, T0);
    TrustedKeys kept = new TrustedKeys(List.of(), List.of(a), TOLERANCE);
    kept.use(List.of(a), T0);
    kept.use(List.of(b), T0 + 10);
    verify(kept, sig(T0 + 5, a), T0 + 5, T0 + 10);
  }

  @Test
  void aRetiredKeyVerifiesOnlyWhatWasSignedBeforeItsRetirement() throws Exception {
    TrustedKeys k = answered(List.of(), List.of(a));
    k.use(List.of(b), T0);
    // Signed before the rotation reached us, arriving after: accepted, and flagged unmatched-ish.
    KeyRing.Match m = verify(k, sig(T0 - 10, a), T0 - 10, T0 + 5);
    assertTrue(m.matched());
    assertTrue(m.unmatched());
    verify(k, sig(T0, a), T0, T0 + 5);
    // Signed with the old key after its retirement: refused.
    assertEquals(Reason.BAD_SIGNATURE, refused(k, sig(T0 + 1, a), T0 + 1, T0 + 5));
    // And once the window has passed the retirement, nothing old is fresh anyway.
    assertEquals(Reason.STALE_TIMESTAMP, refused(k, sig(T0, a), T0, T0 + TOLERANCE + 1));
    // The new key, of course, works throughout.
    assertEquals(new KeyRing.Match(true, false), verify(k, sig(T0 + 1, b), T0 + 1, T0 + 5));
  }

  @Test
  void retiredSetsAreDroppedAfterTheWindowAndCapped() throws Exception {
    TrustedKeys k = answered(List.of(), List.of(a));
    k.use(List.of(b), T0);
    k.use(List.of(c), T0 + TOLERANCE + 1);
    // a's retirement is older than the window: gone even for a timestamp the window allows.
    assertEquals(Reason.BAD_SIGNATURE, refused(k, sig(T0, a), T0, T0 + 2));
    verify(k, sig(T0 + TOLERANCE, b), T0 + TOLERANCE, T0 + TOLERANCE + 2);
    List<String> many = List.of(WebhookSigner.newSecret(), WebhookSigner.newSecret(),
        WebhookSigner.newSecret(), WebhookSigner.newSecret(), WebhookSigner.newSecret());
    long t = T0 + 1000;
    TrustedKeys m = answered(List.of(), List.of(a));
    for (String key : many) {
      m.use(List.of(key), t);
    }
    // Five rotations at once: the newest four retired sets are kept, a (the oldest) is not.
    assertEquals(Reason.BAD_SIGNATURE, refused(m, sig(t, a), t, t));
    for (int i = 0; i < 4; i++) {
      verify(m, sig(t, many.get(i)), t, t);
    }
  }

  @Test
  void aKeyStillCurrentOrConfiguredIsNotRetired() throws Exception {
    TrustedKeys k = answered(List.of(c), List.of(a, c));
    k.use(List.of(a, b), T0);
    verify(k, sig(T0 + 1, a), T0 + 1, T0 + 1);
    verify(k, sig(T0 + 1, c), T0 + 1, T0 + 1);
    k.use(List.of(b), T0 + 2);
    assertEquals(Reason.BAD_SIGNATURE, refused(k, sig(T0 + 3, a), T0 + 3, T0 + 3));
    verify(k, sig(T0 + 2, a), T0 + 2, T0 + 3);
  }

  @Test
  void askingForNewKeysHappensOncePerKeySet() {
    TrustedKeys k = new TrustedKeys(List.of(), List.of(a), TOLERANCE);
    assertTrue(k.askForKeysOnce());
    assertFalse(k.askForKeysOnce());
    k.use(List.of(a), T0);
    assertFalse(k.askForKeysOnce(), "the same keys: no new question");
    k.use(List.of(b), T0);
    assertTrue(k.askForKeysOnce());
    assertFalse(k.askForKeysOnce());
  }

  @Test
  void headersAndWindowAreCheckedBeforeAnyKey() {
    TrustedKeys k = new TrustedKeys(List.of(), List.of(a), TOLERANCE);
    assertEquals(Reason.MISSING_HEADERS, assertThrows(WebhookVerificationException.class,
        () -> k.verify("m", null, sig(T0, a), BODY, T0)).reason());
    assertEquals(Reason.STALE_TIMESTAMP, refused(k, sig(T0, a), T0, T0 + TOLERANCE + 1));
    WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
        () -> verify(k, sig(T0, b), T0, T0));
    assertEquals("no matching v1 signature", e.getMessage());
  }
}
