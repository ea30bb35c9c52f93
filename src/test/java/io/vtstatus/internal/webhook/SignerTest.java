package io.vtstatus.internal.webhook;

import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_BODY;
import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_ID;
import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_SECRET;
import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_SIGNATURE;
import static io.vtstatus.internal.webhook.SignaturesTest.SPEC_TS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sending side: one entry per key in order, checked against the spec and the JDK. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SignerTest {
  private static final byte[] BODY = SPEC_BODY.getBytes(StandardCharsets.UTF_8);
  private static final String RFC_WHSK = Ed25519Test.whsk(Ed25519Test.RFC_SEED, Ed25519Test.RFC_PUBLIC);
  private static final String RFC_WHPK = Ed25519Test.whpk(Ed25519Test.RFC_PUBLIC);

  @Test
  void signsTheSpecificationsExample() {
    assertEquals(SPEC_SIGNATURE, Signer.of(List.of(SPEC_SECRET)).sign(SPEC_ID, SPEC_TS, BODY));
  }

  @Test
  void oneEntryPerKeyInTheOrderGiven() throws Exception {
    String other = Signatures.newSecret();
    String header = Signer.of(List.of(RFC_WHSK, SPEC_SECRET, other)).sign(SPEC_ID, SPEC_TS, BODY);
    String[] entries = header.split(" ");
    assertEquals(3, entries.length, header);
    assertTrue(entries[0].startsWith("v1a,"), header);
    assertEquals(SPEC_SIGNATURE, entries[1]);
    assertEquals(Signatures.entry("v1", Signatures.hmac(Signatures.key(other),
        Signatures.content(SPEC_ID, SPEC_TS, BODY))), entries[2]);
    // The v1a entry, checked by the JDK alone with the RFC's public key.
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(Ed25519Test.jdkPublicKey(Ed25519Test.RFC_PUBLIC));
    jdk.update((SPEC_ID + "." + SPEC_TS + ".").getBytes(StandardCharsets.UTF_8));
    jdk.update(BODY);
    assertTrue(jdk.verify(Base64.getDecoder().decode(entries[0].substring(4))));
  }

  @Test
  void signsTheBodysBytesWhateverTheyAre() throws Exception {
    byte[] latin1 = "{\"name\":\"Zoë\"}".getBytes(StandardCharsets.ISO_8859_1);
    String header = Signer.of(List.of(RFC_WHSK)).sign("m", 9, latin1);
    byte[] sig = Base64.getDecoder().decode(header.substring(4));
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(
        new EdECPrivateKeySpec(NamedParameterSpec.ED25519, Ed25519Test.RFC_SEED)));
    jdk.update("m.9.".getBytes(StandardCharsets.US_ASCII));
    jdk.update(latin1);
    assertArrayEquals(jdk.sign(), sig, "Ed25519 is deterministic: the JDK signs the same bytes alike");
  }

  @Test
  void verificationKeysAreWhatAReceiverNeedsInOrder() {
    Signer s = Signer.of(List.of(SPEC_SECRET, RFC_WHSK, SPEC_SECRET));
    assertEquals(List.of(SPEC_SECRET, RFC_WHSK), s.keys(), "duplicates dropped");
    assertEquals(List.of(SPEC_SECRET, RFC_WHPK), s.verificationKeys());
    assertTrue(KeyRing.of(s.verificationKeys()).match(SPEC_ID, SPEC_TS, BODY, s.sign(SPEC_ID, SPEC_TS, BODY), true)
        .matched());
    assertEquals("Signer[1 v1 secret(s), 1 v1a secret key(s)]", s.toString());
    assertTrue(!s.toString().contains("MfKQ"), "no secret in toString");
  }

  @Test
  void idsThatCouldShiftTheSignedFieldsAreRefused() {
    Signer s = Signer.of(List.of(SPEC_SECRET));
    for (String id : new String[] {"", "a.b", "a b", "a\tb", "a\nb", "a\u007fb", "x".repeat(257)}) {
      assertThrows(IllegalArgumentException.class, () -> s.sign(id, 1, BODY), "id " + id);
    }
    assertEquals("Invalid webhook id: no '.', spaces or control characters",
        assertThrows(IllegalArgumentException.class, () -> s.sign("a.b", 1, BODY)).getMessage());
    assertEquals("Invalid webhook id: need 1 to 256 characters",
        assertThrows(IllegalArgumentException.class, () -> s.sign("", 1, BODY)).getMessage());
    s.sign("x".repeat(256), 1, BODY);
    s.sign("msg_é!~", 0, BODY);
    assertThrows(NullPointerException.class, () -> s.sign(null, 1, BODY));
    assertThrows(NullPointerException.class, () -> s.sign("m", 1, null));
    assertEquals("Invalid timestamp: -1 (epoch seconds)",
        assertThrows(IllegalArgumentException.class, () -> s.sign("m", -1, BODY)).getMessage());
  }

  @Test
  void onlySigningKeysAreAccepted() {
    assertEquals("need at least one key (whsec_ or whsk_)",
        assertThrows(IllegalArgumentException.class, () -> Signer.of(List.of())).getMessage());
    assertThrows(NullPointerException.class, () -> Signer.of(null));
    assertThrows(NullPointerException.class, () -> Signer.of(Arrays.asList(SPEC_SECRET, null)));
    assertEquals("A whpk_ key is a public key: it verifies signatures, it cannot make them (sign with its whsk_)",
        assertThrows(IllegalArgumentException.class, () -> Signer.of(List.of(RFC_WHPK))).getMessage());
    assertEquals("Invalid signing key: need whsec_ (a v1 secret) or whsk_ (a v1a secret key) in front",
        assertThrows(IllegalArgumentException.class, () -> Signer.of(List.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
            .getMessage());
    assertEquals("Invalid webhook secret: need whsec_ followed by base64 of at least 16 bytes",
        assertThrows(IllegalArgumentException.class, () -> Signer.of(List.of("whsec_c2hvcnQ="))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Signer.of(List.of("whsk_AAAA")));
  }
}
