package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import io.vtstatus.testing.JdkEd25519;
import io.vtstatus.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both schemes through the public API: {@code v1a} signatures made by the JDK's {@code
 * Signature} API directly (not by our signer), several keys of each scheme, unknown schemes,
 * header maps, bodies as bytes, and timestamps at the edges of {@code long}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WebhookVerifierSchemesTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String OLD_SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY";
  private static final long NOW = 1_700_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  private static final byte[] X509_PREFIX = JdkEd25519.X509_PREFIX;

  private static Reason reason(WebhookVerifier v, String id, String ts, String sig, byte[] body) {
    return assertThrows(WebhookVerificationException.class, () -> v.verify(id, ts, sig, body)).reason();
  }

  @Test
  void v1aSignedByTheJdkVerifiesWithThePublicKey() throws Exception {
    JdkEd25519 sender = new JdkEd25519();
    byte[] body = "{\"job\":\"job_1\",\"status\":\"completed\"}".getBytes(StandardCharsets.UTF_8);
    String sig = sender.sign("msg_1", NOW, body);
    WebhookVerifier v = WebhookVerifier.of(sender.whpk).clock(CLOCK);
    v.verify("msg_1", Long.toString(NOW), sig, body);
    assertEquals(Reason.BAD_SIGNATURE, reason(v, "msg_2", Long.toString(NOW), sig, body));
    assertEquals(Reason.BAD_SIGNATURE, reason(v, "msg_1", Long.toString(NOW - 1), sig, body));
    byte[] tampered = body.clone();
    tampered[body.length - 3] ^= 0x20;
    assertEquals(Reason.BAD_SIGNATURE, reason(v, "msg_1", Long.toString(NOW), sig, tampered));
    assertEquals(Reason.BAD_SIGNATURE,
        reason(WebhookVerifier.of(new JdkEd25519().whpk).clock(CLOCK), "msg_1", Long.toString(NOW), sig, body));
    // And our signer agrees with the JDK: Ed25519 signatures are deterministic.
    assertEquals("no matching v1a signature", assertThrows(WebhookVerificationException.class,
        () -> v.verify("msg_1", Long.toString(NOW), "v1a,AAAA", body)).getMessage());
  }

  @Test
  void ourSignerAndKeyPairsInteroperateWithTheJdk() throws Exception {
    WebhookSigner.KeyPair pair = WebhookSigner.newKeyPair();
    WebhookSigner signer = WebhookSigner.of(pair.secretKey());
    assertEquals(List.of(pair.publicKey()), signer.verificationKeys());
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    String header = signer.sign("msg_9", NOW, body);
    assertTrue(header.startsWith("v1a,") && !header.contains(" "), header);
    // The JDK checks it with the raw public key wrapped as X.509: a path our code does not take.
    byte[] raw = Base64.getDecoder().decode(pair.publicKey().substring(5));
    byte[] x509 = Arrays.copyOf(X509_PREFIX, 44);
    System.arraycopy(raw, 0, x509, 12, 32);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(java.security.KeyFactory.getInstance("Ed25519")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(x509)));
    jdk.update(("msg_9." + NOW + ".").getBytes(StandardCharsets.UTF_8));
    jdk.update(body);
    assertTrue(jdk.verify(Base64.getDecoder().decode(header.substring(4))));
    WebhookVerifier.of(pair.publicKey()).clock(CLOCK).verify("msg_9", Long.toString(NOW), header, body);
    assertFalse(pair.toString().contains(pair.secretKey()), pair.toString());
    assertTrue(pair.toString().contains(pair.publicKey()));
  }

  @Test
  void aKeyPairMustBelongTogether() {
    WebhookSigner.KeyPair a = WebhookSigner.newKeyPair();
    WebhookSigner.KeyPair b = WebhookSigner.newKeyPair();
    assertNotEquals(a, b);
    assertEquals(a, new WebhookSigner.KeyPair(a.secretKey(), a.publicKey()));
    assertEquals("publicKey is not the public half of secretKey", assertThrows(IllegalArgumentException.class,
        () -> new WebhookSigner.KeyPair(a.secretKey(), b.publicKey())).getMessage());
    assertThrows(NullPointerException.class, () -> new WebhookSigner.KeyPair(null, a.publicKey()));
    assertThrows(NullPointerException.class, () -> new WebhookSigner.KeyPair(a.secretKey(), null));
    assertTrue(WebhookSigner.newSecret().startsWith("whsec_"));
    assertNotEquals(WebhookSigner.newSecret(), WebhookSigner.newSecret());
  }

  @Test
  void bothSchemesInOneHeaderEachVerifiedByItsOwnKeys() throws Exception {
    JdkEd25519 sender = new JdkEd25519();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String v1 = WebhookSigner.of(SECRET).sign("m", NOW, body);
    String v1a = sender.sign("m", NOW, body);
    String both = v1 + " " + v1a;
    String ts = Long.toString(NOW);
    WebhookVerifier.of(SECRET).clock(CLOCK).verify("m", ts, both, body);
    WebhookVerifier.of(sender.whpk).clock(CLOCK).verify("m", ts, both, body);
    WebhookVerifier.of(SECRET, sender.whpk).clock(CLOCK).verify("m", ts, v1a, body);
    WebhookVerifier.of(SECRET, sender.whpk).clock(CLOCK).verify("m", ts, v1, body);
    // A v1a entry is no use to a verifier holding only secrets, and the other way round.
    assertEquals("no matching v1 signature", assertThrows(WebhookVerificationException.class,
        () -> WebhookVerifier.of(SECRET).clock(CLOCK).verify("m", ts, v1a, body)).getMessage());
    assertEquals("no matching v1a signature", assertThrows(WebhookVerificationException.class,
        () -> WebhookVerifier.of(sender.whpk).clock(CLOCK).verify("m", ts, v1, body)).getMessage());
  }

  @Test
  void duringARotationOldAndNewKeysBothVerify() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(NOW);
    WebhookVerifier both = WebhookVerifier.of(List.of(OLD_SECRET, SECRET)).clock(CLOCK);
    both.verify("m", ts, WebhookSigner.of(OLD_SECRET).sign("m", NOW, body), body);
    both.verify("m", ts, WebhookSigner.of(SECRET).sign("m", NOW, body), body);
    // The sender side of a rotation: one header, both signatures; a receiver with either key passes.
    String header = WebhookSigner.of(OLD_SECRET, SECRET).sign("m", NOW, body);
    assertEquals(2, header.split(" ").length);
    WebhookVerifier.of(OLD_SECRET).clock(CLOCK).verify("m", ts, header, body);
    WebhookVerifier.of(SECRET).clock(CLOCK).verify("m", ts, header, body);
    assertEquals(Reason.BAD_SIGNATURE, reason(WebhookVerifier.of(WebhookSigner.newSecret()).clock(CLOCK),
        "m", ts, header, body));
  }

  @Test
  void unknownSchemesAreSkippedNotErrors() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String v1 = WebhookSigner.of(SECRET).sign("m", NOW, body);
    String ts = Long.toString(NOW);
    WebhookVerifier v = WebhookVerifier.of(SECRET).clock(CLOCK);
    v.verify("m", ts, "v2,c29tZXRoaW5nIG5ldw== " + v1 + " v1b", body);
    v.verify("m", ts, "v3,????  " + v1, body);
    assertEquals(Reason.BAD_SIGNATURE, reason(v, "m", ts, "v2,c29tZXRoaW5nIG5ldw==", body));
  }

  @Test
  void multibyteBodiesVerifyFromTheirBytes() throws Exception {
    JdkEd25519 sender = new JdkEd25519();
    String text = "{\"job\":\"job_1\",\"status\":\"completed\",\"note\":\"Zoë, 東京, 🎬\"}";
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    String sig = WebhookSigner.of(SECRET).sign("m", NOW, utf8) + " " + sender.sign("m", NOW, utf8);
    String ts = Long.toString(NOW);
    WebhookVerifier v = WebhookVerifier.of(SECRET, sender.whpk).clock(CLOCK);
    v.verify("m", ts, sig, utf8);
    v.verify("m", ts, sig, text);
    // The mistake the byte[] form exists to prevent: bytes decoded with the wrong charset.
    String misread = new String(utf8, StandardCharsets.ISO_8859_1);
    assertEquals(Reason.BAD_SIGNATURE, assertThrows(WebhookVerificationException.class,
        () -> v.verify("m", ts, sig, misread)).reason());
    // A body that is not UTF-8 at all can only be verified as bytes.
    byte[] latin1 = "{\"note\":\"Zoë\"}".getBytes(StandardCharsets.ISO_8859_1);
    String latinSig = sender.sign("m", NOW, latin1);
    v.verify("m", ts, latinSig, latin1);
    assertEquals(Reason.BAD_SIGNATURE, assertThrows(WebhookVerificationException.class,
        () -> v.verify("m", ts, latinSig, new String(latin1, StandardCharsets.UTF_8))).reason());
    assertEquals(Reason.MISSING_HEADERS, assertThrows(WebhookVerificationException.class,
        () -> v.verify("m", ts, sig, (String) null)).reason());
  }

  @Test
  void headersOfTheJdkServerOrAnyMapVerifyInOneCall() throws Exception {
    JdkEd25519 sender = new JdkEd25519();
    byte[] body = "{\"x\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    WebhookVerifier v = WebhookVerifier.of(SECRET, sender.whpk).clock(CLOCK);
    // What HttpExchange.getRequestHeaders() hands a handler (it normalises the names' case).
    Headers jdk = new Headers();
    jdk.add("WEBHOOK-ID", "msg_h");
    jdk.add("webhook-timestamp", Long.toString(NOW));
    jdk.add("Webhook-Signature", sender.sign("msg_h", NOW, body));
    v.verify(jdk, body);
    // A plain map as a servlet adapter might build it, one name under two spellings.
    Map<String, List<String>> plain = new HashMap<>();
    plain.put("webhook-id", List.of("msg_h"));
    plain.put("Webhook-Timestamp", List.of(Long.toString(NOW)));
    plain.put("webhook-signature", List.of("v1,AAAA"));
    plain.put("WEBHOOK-SIGNATURE", List.of(WebhookSigner.of(SECRET).sign("msg_h", NOW, body)));
    v.verify(plain, body);
    plain.put("WEBHOOK-SIGNATURE", List.of("v1,AAAA"));
    assertEquals(Reason.BAD_SIGNATURE,
        assertThrows(WebhookVerificationException.class, () -> v.verify(plain, body)).reason());
    Map<String, List<String>> missing = new TreeMap<>(Map.of("webhook-id", List.of("msg_h")));
    assertEquals(Reason.MISSING_HEADERS,
        assertThrows(WebhookVerificationException.class, () -> v.verify(missing, body)).reason());
    Map<String, List<String>> twoIds = new HashMap<>(plain);
    twoIds.put("webhook-id", List.of("msg_h", "msg_other"));
    assertEquals(Reason.MALFORMED,
        assertThrows(WebhookVerificationException.class, () -> v.verify(twoIds, body)).reason());
    assertThrows(NullPointerException.class, () -> v.verify((Map<String, List<String>>) null, body));
  }

  @Test
  void aTimestampNearLongMinValueIsStaleNotFresh() {
    WebhookVerifier v = WebhookVerifier.of(SECRET).clock(CLOCK);
    byte[] body = {};
    for (long ts : new long[] {NOW + Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, NOW - Long.MAX_VALUE}) {
      String sig = WebhookSigner.of(SECRET).sign("m", Math.max(0, ts), body);
      assertEquals(Reason.STALE_TIMESTAMP, reason(v, "m", Long.toString(ts), sig, body), "ts " + ts);
    }
    WebhookVerifier widest = v.tolerance(Duration.ofSeconds(Long.MAX_VALUE));
    assertEquals(Reason.STALE_TIMESTAMP,
        reason(widest, "m", Long.toString(NOW + Long.MIN_VALUE), "v1,AAAA", body));
    assertEquals(Reason.BAD_SIGNATURE, reason(widest, "m", Long.toString(Long.MAX_VALUE), "v1,AAAA", body),
        "inside the widest window: checked on to the signature");
  }

  @Test
  void printsNoSecrets() {
    String s = WebhookVerifier.of(SECRET).toString();
    assertFalse(s.contains("MfKQ"), s);
    assertEquals("WebhookVerifier[KeyRing[1 v1 secret(s), 0 v1a public key(s)], tolerance PT5M]", s);
    String signer = WebhookSigner.of(SECRET, WebhookSigner.newKeyPair().secretKey()).toString();
    assertEquals("WebhookSigner[1 v1 secret(s), 1 v1a secret key(s)]", signer);
  }
}
