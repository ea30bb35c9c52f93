package io.vtstatus.internal.webhook;

import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_BODY;
import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_ID;
import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_SECRET;
import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_SIGNATURE;
import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_TS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.testing.JdkEd25519;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verification keys: which entries match, what counts as unmatched, freshness, header lookup. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeyRingTest {
  private static final byte[] BODY = SPEC_BODY.getBytes(StandardCharsets.UTF_8);
  private static final String OTHER_SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY";

  private static String v1(String secret, String id, long ts, byte[] body) {
    return Signatures.entry(Signatures.V1, Signatures.hmac(Signatures.key(secret), Signatures.content(id, ts, body)));
  }

  private static KeyRing ring(String... keys) {
    return KeyRing.of(List.of(keys));
  }

  @Test
  void theSpecificationsExampleMatches() {
    KeyRing.Match m = ring(SPEC_SECRET).match(SPEC_ID, SPEC_TS, BODY, SPEC_SIGNATURE, true);
    assertTrue(m.matched());
    assertFalse(m.unmatched());
  }

  @Test
  void aV1aSignatureMadeByTheJdkMatchesItsPublicKey() throws Exception {
    JdkEd25519 p = new JdkEd25519();
    String sig = p.sign(SPEC_ID, SPEC_TS, BODY);
    assertEquals(new KeyRing.Match(true, false), ring(p.whpk).match(SPEC_ID, SPEC_TS, BODY, sig, true));
    assertEquals(new KeyRing.Match(false, true), ring(p.whpk).match(SPEC_ID, SPEC_TS + 1, BODY, sig, true));
    assertEquals(new KeyRing.Match(false, true), ring(new JdkEd25519().whpk).match(SPEC_ID, SPEC_TS, BODY, sig, true));
    byte[] tampered = BODY.clone();
    tampered[2] ^= 1;
    assertFalse(ring(p.whpk).match(SPEC_ID, SPEC_TS, tampered, sig, true).matched());
  }

  @Test
  void anyEntryOfAHeldSchemeMayMatchAnyKeyOfThatScheme() throws Exception {
    JdkEd25519 oldPair = new JdkEd25519();
    JdkEd25519 newPair = new JdkEd25519();
    String v1Old = SPEC_SIGNATURE;
    String v1New = v1(OTHER_SECRET, SPEC_ID, SPEC_TS, BODY);
    String v1aOld = oldPair.sign(SPEC_ID, SPEC_TS, BODY);
    String v1aNew = newPair.sign(SPEC_ID, SPEC_TS, BODY);
    String all = String.join(" ", v1Old, v1New, v1aOld, v1aNew);
    assertEquals(new KeyRing.Match(true, false),
        ring(SPEC_SECRET, OTHER_SECRET, oldPair.whpk, newPair.whpk).match(SPEC_ID, SPEC_TS, BODY, all, true));
    // Holding only the new keys (the sender still signs with the old ones too): matched, and
    // the old entries are unmatched.
    assertEquals(new KeyRing.Match(true, true),
        ring(OTHER_SECRET, newPair.whpk).match(SPEC_ID, SPEC_TS, BODY, all, true));
    assertEquals(new KeyRing.Match(true, true), ring(OTHER_SECRET).match(SPEC_ID, SPEC_TS, BODY, all, true));
    assertEquals(new KeyRing.Match(true, true), ring(newPair.whpk).match(SPEC_ID, SPEC_TS, BODY, all, true));
    // Any order of keys and entries.
    assertTrue(ring(newPair.whpk, oldPair.whpk).match(SPEC_ID, SPEC_TS, BODY, v1aOld, true).matched());
    assertTrue(ring(OTHER_SECRET, SPEC_SECRET).match(SPEC_ID, SPEC_TS, BODY, v1New + " " + v1Old, true).matched());
  }

  @Test
  void theFirstMatchWillDoUnlessTheRestIsWanted() throws Exception {
    JdkEd25519 oldPair = new JdkEd25519();
    JdkEd25519 newPair = new JdkEd25519();
    String header = newPair.sign(SPEC_ID, SPEC_TS, BODY) + " " + oldPair.sign(SPEC_ID, SPEC_TS, BODY);
    KeyRing r = ring(newPair.whpk);
    assertEquals(new KeyRing.Match(true, true), r.match(SPEC_ID, SPEC_TS, BODY, header, true));
    assertEquals(new KeyRing.Match(true, false), r.match(SPEC_ID, SPEC_TS, BODY, header, false),
        "stopped at the first entry");
    // A matching v1 entry spares every v1a check.
    String both = SPEC_SIGNATURE + " " + oldPair.sign(SPEC_ID, SPEC_TS, BODY);
    assertEquals(new KeyRing.Match(true, false),
        ring(SPEC_SECRET, newPair.whpk).match(SPEC_ID, SPEC_TS, BODY, both, false));
    assertEquals(new KeyRing.Match(true, true),
        ring(SPEC_SECRET, newPair.whpk).match(SPEC_ID, SPEC_TS, BODY, both, true));
  }

  @Test
  void aHeaderCostsAtMostEightEd25519Checks() throws Exception {
    JdkEd25519 genuine = new JdkEd25519();
    JdkEd25519 other = new JdkEd25519();
    String good = genuine.sign(SPEC_ID, SPEC_TS, BODY);
    String bogus = new JdkEd25519().sign(SPEC_ID, SPEC_TS, BODY);
    assertEquals(8, KeyRing.MAX_ED25519_CHECKS);
    KeyRing one = ring(genuine.whpk);
    assertTrue(one.match(SPEC_ID, SPEC_TS, BODY, (bogus + " ").repeat(7) + good, true).matched(),
        "the eighth check");
    assertEquals(new KeyRing.Match(false, true),
        one.match(SPEC_ID, SPEC_TS, BODY, (bogus + " ").repeat(8) + good, true), "a ninth is not made");
    // Two keys: each entry costs up to two checks.
    KeyRing two = ring(other.whpk, genuine.whpk);
    assertTrue(two.match(SPEC_ID, SPEC_TS, BODY, (bogus + " ").repeat(3) + good, true).matched());
    assertFalse(two.match(SPEC_ID, SPEC_TS, BODY, (bogus + " ").repeat(4) + good, true).matched());
    // Three keys: the cap falls inside an entry.
    JdkEd25519 third = new JdkEd25519();
    String twoBogus = bogus + " " + bogus + " ";
    assertTrue(ring(other.whpk, genuine.whpk, third.whpk).match(SPEC_ID, SPEC_TS, BODY, twoBogus + good, true)
        .matched(), "checks 7 and 8");
    assertFalse(ring(other.whpk, third.whpk, genuine.whpk).match(SPEC_ID, SPEC_TS, BODY, twoBogus + good, true)
        .matched(), "a ninth check, for the third key, is not made");
    // An entry never examined is not an unmatched one.
    assertEquals(new KeyRing.Match(true, false),
        two.match(SPEC_ID, SPEC_TS, BODY, (good + " ").repeat(4) + bogus, true));
    // v1 entries are not counted: they cost microseconds.
    assertTrue(ring(SPEC_SECRET, genuine.whpk).match(SPEC_ID, SPEC_TS, BODY,
        "v1,AAAA ".repeat(8) + good, true).matched());
  }

  @Test
  void entriesOfSchemesWeHoldNoKeyForAreSkippedNotUnmatched() throws Exception {
    JdkEd25519 p = new JdkEd25519();
    String v1a = p.sign(SPEC_ID, SPEC_TS, BODY);
    assertEquals(new KeyRing.Match(false, false), ring(SPEC_SECRET).match(SPEC_ID, SPEC_TS, BODY, v1a, true));
    assertEquals(new KeyRing.Match(false, false),
        ring(p.whpk).match(SPEC_ID, SPEC_TS, BODY, SPEC_SIGNATURE, true));
    assertEquals(new KeyRing.Match(true, false),
        ring(SPEC_SECRET).match(SPEC_ID, SPEC_TS, BODY, "v2,AAAA " + v1a + " " + SPEC_SIGNATURE + " x", true));
    assertEquals(new KeyRing.Match(true, false),
        ring(p.whpk).match(SPEC_ID, SPEC_TS, BODY, SPEC_SIGNATURE + " " + v1a, true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "v1,", "v1", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
      "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O",
      "V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="})
  void otherSchemesAndTruncationsDoNotMatch(String header) {
    assertFalse(ring(SPEC_SECRET).match(SPEC_ID, SPEC_TS, BODY, header, true).matched(), header);
  }

  @Test
  void anyChangeToIdTimestampOrBodyBreaksTheMatch() {
    KeyRing r = ring(SPEC_SECRET);
    assertEquals(new KeyRing.Match(false, true), r.match(SPEC_ID + "x", SPEC_TS, BODY, SPEC_SIGNATURE, true));
    assertFalse(r.match(SPEC_ID, SPEC_TS + 1, BODY, SPEC_SIGNATURE, true).matched());
    assertFalse(r.match(SPEC_ID, SPEC_TS, Arrays.copyOf(BODY, BODY.length + 1), SPEC_SIGNATURE, true).matched());
    assertFalse(ring(OTHER_SECRET).match(SPEC_ID, SPEC_TS, BODY, SPEC_SIGNATURE, true).matched());
  }

  @Test
  void freshnessIsInclusiveAtTheEdgesEitherWay() throws Exception {
    String ts = Long.toString(SPEC_TS);
    assertEquals(SPEC_TS, KeyRing.requireFresh("i", ts, "s", BODY, SPEC_TS + 300, 300));
    assertEquals(SPEC_TS, KeyRing.requireFresh("i", ts, "s", BODY, SPEC_TS - 300, 300));
    assertEquals(SPEC_TS, KeyRing.requireFresh("i", " " + ts + " ", "s", BODY, SPEC_TS, 0));
    WebhookVerificationException old = assertThrows(WebhookVerificationException.class,
        () -> KeyRing.requireFresh("i", ts, "s", BODY, SPEC_TS + 301, 300));
    assertEquals(Reason.STALE_TIMESTAMP, old.reason());
    assertEquals("webhook-timestamp " + SPEC_TS + " is 301 s from now (window 300 s)", old.getMessage());
    WebhookVerificationException future = assertThrows(WebhookVerificationException.class,
        () -> KeyRing.requireFresh("i", ts, "s", BODY, SPEC_TS - 301, 300));
    assertEquals("webhook-timestamp " + SPEC_TS + " is -301 s from now (window 300 s)", future.getMessage());
  }

  @Test
  void timestampArithmeticCannotOverflowIntoTheWindow() {
    long now = SPEC_TS;
    for (long ts : new long[] {now + Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE}) {
      WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
          () -> KeyRing.requireFresh("i", Long.toString(ts), "s", BODY, now, 300), "ts " + ts);
      assertEquals(Reason.STALE_TIMESTAMP, e.reason(), "ts " + ts);
    }
    // Even the widest window: the distance from now to Long.MIN_VALUE is beyond any long.
    WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
        () -> KeyRing.requireFresh("i", Long.toString(Long.MIN_VALUE), "s", BODY, now, Long.MAX_VALUE));
    assertEquals("webhook-timestamp " + Long.MIN_VALUE + " is out of any window (window "
        + Long.MAX_VALUE + " s)", e.getMessage());
    assertEquals(Long.MAX_VALUE, assertDoesNotThrowFresh(Long.toString(Long.MAX_VALUE), 0, Long.MAX_VALUE));
    assertEquals(-5, assertDoesNotThrowFresh("-5", 0, 5));
  }

  private static long assertDoesNotThrowFresh(String ts, long now, long tolerance) {
    try {
      return KeyRing.requireFresh("i", ts, "s", BODY, now, tolerance);
    } catch (WebhookVerificationException e) {
      throw new AssertionError(ts + " rejected: " + e.getMessage(), e);
    }
  }

  @Test
  void missingAndMalformedPartsComeBeforeTheWindow() {
    for (String[] c : new String[][] {{null, "1", "s"}, {"", "1", "s"}, {"i", null, "s"}, {"i", "1", null}}) {
      WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
          () -> KeyRing.requireFresh(c[0], c[1], c[2], BODY, 1, 0));
      assertEquals(Reason.MISSING_HEADERS, e.reason());
      assertEquals("webhook-id, webhook-timestamp and webhook-signature are required", e.getMessage());
    }
    WebhookVerificationException noBody = assertThrows(WebhookVerificationException.class,
        () -> KeyRing.requireFresh("i", "1", "s", null, 1, 0));
    assertEquals(Reason.MISSING_HEADERS, noBody.reason());
    assertEquals("no body", noBody.getMessage());
    for (String ts : new String[] {"", "soon", "1.5", "0x10", "99999999999999999999"}) {
      WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
          () -> KeyRing.requireFresh("i", ts, "s", BODY, 1, Long.MAX_VALUE));
      assertEquals(Reason.MALFORMED, e.reason(), ts);
      assertEquals("webhook-timestamp is not epoch seconds", e.getMessage());
    }
  }

  @Test
  void verifyIsFreshnessThenAMatchingSignature() throws Exception {
    KeyRing r = ring(SPEC_SECRET);
    String ts = Long.toString(SPEC_TS);
    assertEquals(new KeyRing.Match(true, false), r.verify(SPEC_ID, ts, SPEC_SIGNATURE, BODY, SPEC_TS, 0));
    WebhookVerificationException bad = assertThrows(WebhookVerificationException.class,
        () -> r.verify(SPEC_ID, ts, "v1,AAAA", BODY, SPEC_TS, 0));
    assertEquals(Reason.BAD_SIGNATURE, bad.reason());
    assertEquals("no matching v1 signature", bad.getMessage());
    assertEquals(Reason.STALE_TIMESTAMP, assertThrows(WebhookVerificationException.class,
        () -> r.verify(SPEC_ID, ts, SPEC_SIGNATURE, BODY, SPEC_TS + 1, 0)).reason());
    JdkEd25519 p = new JdkEd25519();
    assertEquals("no matching v1a signature", assertThrows(WebhookVerificationException.class,
        () -> ring(p.whpk).verify(SPEC_ID, ts, SPEC_SIGNATURE, BODY, SPEC_TS, 0)).getMessage());
    assertEquals("no matching v1 or v1a signature", assertThrows(WebhookVerificationException.class,
        () -> ring(p.whpk, OTHER_SECRET).verify(SPEC_ID, ts, SPEC_SIGNATURE, BODY, SPEC_TS, 0)).getMessage());
  }

  @Test
  void keysAreCheckedWhenTheRingIsMadeAndNeverEchoed() throws Exception {
    JdkEd25519 p = new JdkEd25519();
    KeyRing r = KeyRing.of(List.of(SPEC_SECRET, p.whpk, SPEC_SECRET));
    assertEquals(List.of(SPEC_SECRET, p.whpk), r.keys(), "duplicates dropped, order kept");
    assertEquals("KeyRing[1 v1 secret(s), 1 v1a public key(s)]", r.toString());
    assertEquals("v1 or v1a", r.schemes());
    assertEquals("v1", ring(SPEC_SECRET).schemes());
    assertEquals("v1a", ring(p.whpk).schemes());
    assertThrows(NullPointerException.class, () -> KeyRing.of(null));
    assertThrows(NullPointerException.class, () -> KeyRing.of(Arrays.asList(SPEC_SECRET, null)));
    assertEquals("need at least one key (whsec_ or whpk_)",
        assertThrows(IllegalArgumentException.class, () -> KeyRing.of(List.of())).getMessage());
    IllegalArgumentException sk = assertThrows(IllegalArgumentException.class,
        () -> ring(Ed25519.newKeyPair()[0]));
    assertTrue(sk.getMessage().startsWith("A whsk_ key is a sender's secret signing key"), sk.getMessage());
    assertEquals("Invalid webhook key: need whsec_ (a v1 secret; the base64 of 16 bytes or more"
        + " alone will do) or whpk_ (a v1a public key) in front",
        assertThrows(IllegalArgumentException.class, () -> ring("not base64!")).getMessage());
    // Without its prefix a secret is its base64, as the Standard Webhooks libraries take it.
    assertEquals(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        ring("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").keys());
    assertEquals("Invalid webhook secret: need whsec_ followed by base64 of at least 16 bytes",
        assertThrows(IllegalArgumentException.class, () -> ring("whsec_c2hvcnQ=")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ring("whpk_AAAA"));
  }

  @Test
  void headersAreLookedUpWhateverTheirCase() throws Exception {
    Map<String, List<String>> h = new HashMap<>();
    h.put("Webhook-Id", List.of("msg_1", "msg_1"));
    h.put("WEBHOOK-TIMESTAMP", List.of("1"));
    h.put("webhook-signature", List.of("v1,a", "v1,b"));
    assertEquals("msg_1", KeyRing.header(h, "webhook-id", false), "repeated but equal: one value");
    assertEquals("1", KeyRing.header(h, "webhook-timestamp", false));
    assertEquals("v1,a v1,b", KeyRing.header(h, "webhook-signature", true));
    assertNull(KeyRing.header(h, "webhook-other", true));
    assertNull(KeyRing.header(h, "webhook-other", false));
    h.put("webhook-id", List.of("msg_2"));
    WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
        () -> KeyRing.header(h, "webhook-id", false));
    assertEquals(Reason.MALFORMED, e.reason());
    assertEquals("more than one webhook-id header", e.getMessage());
  }
}
