package io.vtstatus.internal.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPoint;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code v1a} keys and signatures, checked against RFC 8032's first test vector and against the
 * JDK's own X.509 encoding of public keys (a path through the JDK that our code does not take).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class Ed25519Test {
  // RFC 8032, section 7.1, TEST 1: the empty message.
  static final byte[] RFC_SEED =
      HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  static final byte[] RFC_PUBLIC =
      HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  static final byte[] RFC_SIGNATURE = HexFormat.of().parseHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  /** What the JDK puts in front of a raw Ed25519 public key in X.509 form (RFC 8410). */
  static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  static String whsk(byte[] seed, byte[] pub) {
    byte[] sk = Arrays.copyOf(seed, 64);
    System.arraycopy(pub, 0, sk, 32, 32);
    return "whsk_" + Base64.getEncoder().encodeToString(sk);
  }

  static String whpk(byte[] pub) {
    return "whpk_" + Base64.getEncoder().encodeToString(pub);
  }

  /** The raw 32-byte public key, read from the JDK's X.509 encoding. */
  static byte[] raw(PublicKey k) {
    byte[] x509 = k.getEncoded();
    assertArrayEquals(X509_PREFIX, Arrays.copyOf(x509, X509_PREFIX.length));
    return Arrays.copyOfRange(x509, X509_PREFIX.length, x509.length);
  }

  /** A JDK public key from raw bytes, through X.509. */
  static PublicKey jdkPublicKey(byte[] raw) throws Exception {
    byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + raw.length);
    System.arraycopy(raw, 0, x509, X509_PREFIX.length, raw.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
  }

  @Test
  void signsRfc8032sFirstTestVector() throws Exception {
    Ed25519.SecretKey sk = Ed25519.secretKey(whsk(RFC_SEED, RFC_PUBLIC));
    assertArrayEquals(RFC_SIGNATURE, Ed25519.sign(sk.privateKey(), new byte[0]));
    assertEquals(whpk(RFC_PUBLIC), sk.publicKey());
    assertTrue(Ed25519.verify(Ed25519.publicKey(whpk(RFC_PUBLIC)), new byte[0], RFC_SIGNATURE));
    assertArrayEquals(RFC_PUBLIC, raw(Ed25519.publicKey(whpk(RFC_PUBLIC))));
  }

  @Test
  void newPairsAreSeedThenPublicKeyAndVerifyThroughTheJdkAlone() throws Exception {
    String[] pair = Ed25519.newKeyPair();
    assertTrue(pair[0].startsWith("whsk_") && pair[1].startsWith("whpk_"));
    byte[] sk = Base64.getDecoder().decode(pair[0].substring(5));
    byte[] pk = Base64.getDecoder().decode(pair[1].substring(5));
    assertEquals(64, sk.length);
    assertEquals(32, pk.length);
    assertArrayEquals(pk, Arrays.copyOfRange(sk, 32, 64), "the secret key ends with its public key");
    byte[] content = "msg_1.1700000000.{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    byte[] sig = Ed25519.sign(Ed25519.secretKey(pair[0]).privateKey(), content);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(jdkPublicKey(pk));
    jdk.update(content);
    assertTrue(jdk.verify(sig), "the JDK verifies with the whpk_ bytes through X.509");
    assertNotEquals(pair[1], Ed25519.newKeyPair()[1]);
  }

  @Test
  void keysMadeByTheJdkParseAndSignAlike() throws Exception {
    for (int i = 0; i < 20; i++) {
      // Twenty pairs: about half have x odd, exercising the sign bit of the encoding.
      KeyPair jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] seed = ((EdECPrivateKey) jdk.getPrivate()).getBytes().orElseThrow();
      byte[] pub = raw(jdk.getPublic());
      Ed25519.SecretKey sk = Ed25519.secretKey(whsk(seed, pub));
      assertEquals(whpk(pub), sk.publicKey());
      byte[] content = ("m." + i + ".{}").getBytes(StandardCharsets.UTF_8);
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(jdk.getPrivate());
      s.update(content);
      byte[] expected = s.sign();
      assertArrayEquals(expected, Ed25519.sign(sk.privateKey(), content), "Ed25519 is deterministic");
      assertTrue(Ed25519.verify(Ed25519.publicKey(whpk(pub)), content, expected));
      assertArrayEquals(pub, Ed25519.encode(((java.security.interfaces.EdECPublicKey) jdk.getPublic()).getPoint()));
    }
  }

  @Test
  void theEncodingPutsXsParityInTheTopBit() {
    byte[] even = Ed25519.encode(new EdECPoint(false, BigInteger.valueOf(0x0102)));
    byte[] odd = Ed25519.encode(new EdECPoint(true, BigInteger.valueOf(0x0102)));
    byte[] expected = new byte[32];
    expected[0] = 2;
    expected[1] = 1;
    assertArrayEquals(expected, even);
    expected[31] = (byte) 0x80;
    assertArrayEquals(expected, odd);
    BigInteger big = BigInteger.TWO.pow(254).add(BigInteger.ONE);
    byte[] b = Ed25519.encode(new EdECPoint(false, big));
    assertEquals(1, b[0]);
    assertEquals(0x40, b[31]);
  }

  @Test
  void aTamperedOrMalformedSignatureIsFalseNeverAnException() throws Exception {
    PublicKey k = Ed25519.publicKey(whpk(RFC_PUBLIC));
    assertFalse(Ed25519.verify(k, new byte[] {0}, RFC_SIGNATURE), "another message");
    byte[] flipped = RFC_SIGNATURE.clone();
    flipped[10] ^= 1;
    assertFalse(Ed25519.verify(k, new byte[0], flipped));
    byte[] huge = new byte[64];
    Arrays.fill(huge, (byte) 0xff);
    assertFalse(Ed25519.verify(k, new byte[0], huge), "s too large: the JDK throws, we say false");
    assertFalse(Ed25519.verify(k, new byte[0], Arrays.copyOf(RFC_SIGNATURE, 63)));
    assertFalse(Ed25519.verify(k, new byte[0], Arrays.copyOf(RFC_SIGNATURE, 65)));
    assertFalse(Ed25519.verify(k, new byte[0], new byte[0]));
  }

  @Test
  void malformedPublicKeysAreRefusedWhenParsed() {
    assertEquals("Invalid whpk_ key: it must start with whpk_",
        assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKey("whsec_AAAA")).getMessage());
    assertEquals("Invalid whpk_ key: it must start with whpk_",
        assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKey(null)).getMessage());
    assertEquals("Invalid whpk_ key: not base64 after the prefix",
        assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKey("whpk_***")).getMessage());
    assertEquals("Invalid whpk_ key: need 32 bytes after the prefix, not 31", assertThrows(
        IllegalArgumentException.class, () -> Ed25519.publicKey(whpk(new byte[31]))).getMessage());
    byte[] offCurve = new byte[32];
    offCurve[0] = 2; // y = 2 has no x on the curve
    assertEquals("Invalid whpk_ key: not an Ed25519 public key", assertThrows(
        IllegalArgumentException.class, () -> Ed25519.publicKey(whpk(offCurve))).getMessage());
    byte[] tooLarge = new byte[32];
    Arrays.fill(tooLarge, (byte) 0xff);
    tooLarge[31] = 0x7f; // y = 2^255 - 1 >= p
    assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKey(whpk(tooLarge)));
    byte[] p = HexFormat.of().parseHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKey(whpk(p)), "y = p exactly");
    byte[] pMinus1 = p.clone();
    pMinus1[0] = (byte) 0xec; // y = p - 1 = -1: a point (x = 0)
    Ed25519.publicKey(whpk(pMinus1));
  }

  @Test
  void malformedSecretKeysAreRefusedWhenParsed() {
    assertEquals("Invalid whsk_ key: it must start with whsk_",
        assertThrows(IllegalArgumentException.class, () -> Ed25519.secretKey(whpk(RFC_PUBLIC))).getMessage());
    assertEquals("Invalid whsk_ key: need 64 bytes after the prefix, not 32", assertThrows(
        IllegalArgumentException.class,
        () -> Ed25519.secretKey("whsk_" + Base64.getEncoder().encodeToString(RFC_SEED))).getMessage());
    String[] other = Ed25519.newKeyPair();
    byte[] otherPub = Base64.getDecoder().decode(other[1].substring(5));
    assertEquals("Invalid whsk_ key: its last 32 bytes are not the public key of its first 32",
        assertThrows(IllegalArgumentException.class, () -> Ed25519.secretKey(whsk(RFC_SEED, otherPub)))
            .getMessage());
    byte[] offCurve = new byte[32];
    offCurve[0] = 2;
    assertEquals("Invalid whsk_ key: not an Ed25519 key pair", assertThrows(
        IllegalArgumentException.class, () -> Ed25519.secretKey(whsk(RFC_SEED, offCurve))).getMessage());
  }

  @Test
  void aSecretKeyPrintsItsPublicHalfOnly() {
    String s = Ed25519.secretKey(whsk(RFC_SEED, RFC_PUBLIC)).toString();
    assertEquals("Ed25519 secret key for " + whpk(RFC_PUBLIC), s);
  }
}
