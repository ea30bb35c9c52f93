package io.vtstatus.internal.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: {@code v1,base64(HMAC-SHA256(key, id + "." + timestamp + "." +
 * body))}, where the key is the base64 part of a {@code whsec_} secret.
 */
public final class Signatures {
  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signatures() {}

  /** A new random secret, {@code whsec_} followed by 24 random bytes in base64. */
  public static String newSecret() {
    byte[] k = new byte[24];
    RANDOM.nextBytes(k);
    return PREFIX + Base64.getEncoder().encodeToString(k);
  }

  /** The HMAC key of a secret; a secret without the prefix is taken as base64 as it is. */
  public static byte[] key(String secret) {
    String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("secret is not base64 after 'whsec_'");
    }
  }

  /** True when {@code secret} has the form we accept. */
  public static boolean isValidSecret(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
      return false;
    }
    try {
      return key(secret).length >= 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The raw HMAC-SHA256 over {@code id.timestamp.body}. */
  public static byte[] hmac(byte[] key, String id, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The {@code webhook-signature} header value: {@code v1,<base64>}. */
  public static String sign(byte[] key, String id, long timestamp, String body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(key, id, timestamp, body));
  }

  /**
   * True when one of the space-separated {@code v1,<base64>} signatures in {@code header} matches.
   * Comparison is constant-time in the signature's content.
   */
  public static boolean matches(byte[] key, String id, long timestamp, String body, String header) {
    byte[] expected = hmac(key, id, timestamp, body);
    boolean ok = false;
    for (String part : header.trim().split(" +")) {
      if (!part.startsWith("v1,")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(part.substring(3));
      } catch (IllegalArgumentException e) {
        continue;
      }
      ok |= MessageDigest.isEqual(expected, given);
    }
    return ok;
  }
}
