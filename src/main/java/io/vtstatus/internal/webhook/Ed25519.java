package io.vtstatus.internal.webhook;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code v1a} scheme: Ed25519 (RFC 8032) over the signed content, with the JDK's own
 * implementation (Java 15+), so no dependency. Keys travel as the specification serialises them:
 * {@code whpk_} + base64 of the 32-byte public key, and {@code whsk_} + base64 of the 64-byte
 * secret key, seed then public key, the layout of libsodium, Go's {@code crypto/ed25519} and
 * Svix. A 32-byte seed alone is not accepted: the JDK cannot derive the public half from it,
 * and a signer must be able to tell receivers its public key.
 */
public final class Ed25519 {
  public static final String SECRET_PREFIX = "whsk_";
  public static final String PUBLIC_PREFIX = "whpk_";
  static final int KEY_BYTES = 32;
  static final int SIGNATURE_BYTES = 64;
  private static final byte[] PROBE = "vtstatus key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Ed25519() {}

  /** A parsed {@code whsk_} key: what signs, and the {@code whpk_} that verifies it. */
  public record SecretKey(PrivateKey privateKey, String publicKey) {
    @Override
    public String toString() {
      return "Ed25519 secret key for " + publicKey;
    }
  }

  /** A new key pair: {@code {whsk_..., whpk_...}}. */
  public static String[] newKeyPair() {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Ed25519 unavailable", e);
    }
    byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes()
        .orElseThrow(() -> new IllegalStateException("Ed25519 key without its seed"));
    byte[] pub = encode(((EdECPublicKey) pair.getPublic()).getPoint());
    byte[] secret = Arrays.copyOf(seed, 2 * KEY_BYTES);
    System.arraycopy(pub, 0, secret, KEY_BYTES, KEY_BYTES);
    Base64.Encoder b64 = Base64.getEncoder();
    return new String[] {SECRET_PREFIX + b64.encodeToString(secret), PUBLIC_PREFIX + b64.encodeToString(pub)};
  }

  /**
   * Parses a {@code whsk_} key.
   *
   * @throws IllegalArgumentException if it is not 64 bytes of base64 after the prefix, or its
   *     public half does not belong to its seed
   */
  public static SecretKey secretKey(String key) {
    byte[] raw = decode(key, SECRET_PREFIX, 2 * KEY_BYTES);
    PrivateKey priv;
    PublicKey pub;
    try {
      priv = KeyFactory.getInstance("Ed25519").generatePrivate(
          new EdECPrivateKeySpec(NamedParameterSpec.ED25519, Arrays.copyOf(raw, KEY_BYTES)));
      pub = publicKey(Arrays.copyOfRange(raw, KEY_BYTES, 2 * KEY_BYTES));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid whsk_ key: not an Ed25519 key pair");
    }
    // The JDK cannot compute a public key from a seed, so a pair that does not belong together
    // would sign what its own public key cannot verify: find that out now, not at a receiver.
    if (!verify(pub, PROBE, sign(priv, PROBE))) {
      throw new IllegalArgumentException(
          "Invalid whsk_ key: its last 32 bytes are not the public key of its first 32");
    }
    String whpk = PUBLIC_PREFIX + Base64.getEncoder().encodeToString(Arrays.copyOfRange(raw, KEY_BYTES, 2 * KEY_BYTES));
    return new SecretKey(priv, whpk);
  }

  /**
   * Parses a {@code whpk_} key.
   *
   * @throws IllegalArgumentException if it is not 32 bytes of base64 after the prefix, or not a
   *     point on the curve
   */
  public static PublicKey publicKey(String key) {
    try {
      return publicKey(decode(key, PUBLIC_PREFIX, KEY_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("Invalid whpk_ key: not an Ed25519 public key");
    }
  }

  private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
    byte[] le = raw.clone();
    boolean xOdd = (le[KEY_BYTES - 1] & 0x80) != 0;
    le[KEY_BYTES - 1] &= 0x7f;
    // A y of 2^255 - 19 or more is refused by the JDK (tested), as is a y with no x.
    BigInteger y = new BigInteger(1, reverse(le));
    PublicKey key = KeyFactory.getInstance("Ed25519")
        .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, y)));
    // The JDK decodes the point only here: a key that is not on the curve fails now, where the
    // user configured it, instead of never verifying anything later.
    Signature.getInstance("Ed25519").initVerify(key);
    return key;
  }

  /** RFC 8032's encoding: y little-endian, the top bit holding x's parity. */
  static byte[] encode(EdECPoint p) {
    byte[] be = p.getY().toByteArray();
    byte[] le = new byte[KEY_BYTES];
    for (int i = 0; i < KEY_BYTES && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    if (p.isXOdd()) {
      le[KEY_BYTES - 1] |= (byte) 0x80;
    }
    return le;
  }

  private static byte[] reverse(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  private static byte[] decode(String key, String prefix, int bytes) {
    if (key == null || !key.startsWith(prefix)) {
      throw new IllegalArgumentException("Invalid " + prefix + " key: it must start with " + prefix);
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(key.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid " + prefix + " key: not base64 after the prefix");
    }
    if (raw.length != bytes) {
      throw new IllegalArgumentException("Invalid " + prefix + " key: need " + bytes
          + " bytes after the prefix, not " + raw.length);
    }
    return raw;
  }

  /** The 64-byte signature of {@code content}. */
  public static byte[] sign(PrivateKey key, byte[] content) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(content);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** True when {@code signature} is {@code key}'s over {@code content}; false for any malformed one. */
  public static boolean verify(PublicKey key, byte[] content, byte[] signature) {
    if (signature.length != SIGNATURE_BYTES) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(content);
      return s.verify(signature);
    } catch (SignatureException malformed) {
      // The JDK throws for some malformed signatures (s too large) instead of returning false.
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 verification unavailable", e);
    }
  }
}
