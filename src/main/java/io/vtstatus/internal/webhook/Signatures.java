package io.vtstatus.internal.webhook;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks wire format: what is signed ({@code id.timestamp.body}, the body as the
 * raw bytes sent), the {@code webhook-signature} header (space-separated {@code scheme,base64}
 * entries) and the symmetric scheme {@code v1}: HMAC-SHA256 keyed with the base64 part of a
 * {@code whsec_} secret. The asymmetric {@code v1a} is {@link Ed25519}'s.
 */
public final class Signatures {
  public static final String PREFIX = "whsec_";
  /** HMAC-SHA256 with a shared {@code whsec_} secret. */
  public static final String V1 = "v1";
  /** Ed25519: signed with a {@code whsk_} secret key, verified with its {@code whpk_} public key. */
  public static final String V1A = "v1a";
  /**
   * The entries of one {@code webhook-signature} header that are looked at; the rest are
   * ignored. A rotation needs two per scheme; the cap stops a header of thousands of {@code v1a}
   * entries from costing thousands of Ed25519 verifications.
   */
  public static final int MAX_ENTRIES = 16;
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

  /**
   * {@code key} with the {@code whsec_} prefix when it has no prefix we know ({@code whsec_},
   * {@code whpk_}, {@code whsk_}): the Standard Webhooks reference libraries take a bare secret
   * as its base64.
   */
  public static String withPrefix(String key) {
    if (key == null || key.startsWith(PREFIX) || key.startsWith("whpk_") || key.startsWith("whsk_")) {
      return key;
    }
    return PREFIX + key;
  }

  /** True when {@code secret} has the form we accept: the prefix and 16 bytes or more. */
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

  /** What both schemes sign: {@code id + "." + timestamp + "."} in UTF-8, then the body's bytes. */
  public static byte[] content(String id, long timestamp, byte[] body) {
    byte[] head = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + body.length);
    out.writeBytes(head);
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** HMAC-SHA256 of {@code content} under {@code key}. */
  public static byte[] hmac(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** One header entry: {@code scheme,base64}. */
  public static String entry(String scheme, byte[] signature) {
    return scheme + "," + Base64.getEncoder().encodeToString(signature);
  }

  /** One entry of a {@code webhook-signature} header, decoded. */
  public record Entry(String scheme, byte[] signature) {}

  /**
   * The first {@link #MAX_ENTRIES} entries of a {@code webhook-signature} header, in order.
   * Entries that are not {@code scheme,base64} are skipped: a sender may add schemes we do not
   * know, and a receiver must not fail on them.
   */
  public static List<Entry> parse(String header) {
    List<Entry> out = new ArrayList<>();
    int seen = 0;
    for (String part : header.split(" ")) {
      if (part.isEmpty()) {
        continue;
      }
      if (++seen > MAX_ENTRIES) {
        break;
      }
      int comma = part.indexOf(',');
      if (comma <= 0) {
        continue;
      }
      try {
        out.add(new Entry(part.substring(0, comma), Base64.getDecoder().decode(part.substring(comma + 1))));
      } catch (IllegalArgumentException notBase64) {
        // Skipped like an unknown scheme: another entry may still match.
      }
    }
    return out;
  }

  /**
   * The values of header {@code name} in {@code headers}, whatever the case of the map's keys
   * (the JDK's {@code Headers} capitalises them, servlet containers and plain maps may not); a
   * map may even hold one name under several spellings. Null keys and values are skipped.
   */
  public static List<String> values(Map<String, List<String>> headers, String name) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null) {
        for (String v : e.getValue()) {
          if (v != null) {
            out.add(v);
          }
        }
      }
    }
    return out;
  }
}
