package io.vtstatus.internal.webhook;

import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerificationException.Reason;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The keys a receiver verifies with, parsed once: {@code whsec_} secrets for {@code v1} and
 * {@code whpk_} public keys for {@code v1a}, any number of each. A delivery verifies when any
 * entry of its {@code webhook-signature} header, of a scheme we hold a key for, matches any key of
 * that scheme; entries of other schemes are skipped. Immutable and thread-safe.
 */
public final class KeyRing {
  /**
   * Ed25519 verifications one header may cost at most: enough for a rotation seen by a
   * receiver that holds old and new public keys (two entries, two keys), and a bound on what a
   * forger's header of many {@code v1a} entries costs (about a millisecond each, measured).
   */
  public static final int MAX_ED25519_CHECKS = 8;
  private final List<String> keys;
  private final List<byte[]> secrets = new ArrayList<>();
  private final List<PublicKey> publicKeys = new ArrayList<>();

  private KeyRing(List<String> keys) {
    this.keys = keys;
    for (String k : keys) {
      if (k.startsWith(Signatures.PREFIX)) {
        secrets.add(Signatures.key(k));
      } else {
        publicKeys.add(Ed25519.publicKey(k));
      }
    }
  }

  /**
   * A ring of {@code keys} (duplicates dropped, order kept).
   *
   * @throws IllegalArgumentException if there is none, or one is not a valid {@code whsec_} or
   *     {@code whpk_} key (the message never repeats a key)
   * @throws NullPointerException if {@code keys} or one of them is null
   */
  public static KeyRing of(Collection<String> keys) {
    Objects.requireNonNull(keys, "keys");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("need at least one key (whsec_ or whpk_)");
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String k : keys) {
      requireVerifyingKey(k);
      distinct.add(Signatures.withPrefix(k));
    }
    return new KeyRing(List.copyOf(distinct));
  }

  /**
   * Throws unless {@code key} is a {@code whsec_} secret (the prefix may be left out) or a
   * {@code whpk_} public key.
   */
  public static void requireVerifyingKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.startsWith(Signatures.PREFIX)) {
      if (!Signatures.isValidSecret(key)) {
        throw new IllegalArgumentException(
            "Invalid webhook secret: need whsec_ followed by base64 of at least 16 bytes");
      }
    } else if (key.startsWith(Ed25519.PUBLIC_PREFIX)) {
      Ed25519.publicKey(key);
    } else if (key.startsWith(Ed25519.SECRET_PREFIX)) {
      throw new IllegalArgumentException("A whsk_ key is a sender's secret signing key: verify with "
          + "its whpk_ public key instead (WebhookSigner.of(key).verificationKeys())");
    } else if (!Signatures.isValidSecret(Signatures.withPrefix(key))) {
      throw new IllegalArgumentException("Invalid webhook key: need whsec_ (a v1 secret; the base64"
          + " of 16 bytes or more alone will do) or whpk_ (a v1a public key) in front");
    }
  }

  /** The keys as given, duplicates dropped. */
  public List<String> keys() {
    return keys;
  }

  /** The schemes this ring verifies, for messages: {@code v1}, {@code v1a} or {@code v1 or v1a}. */
  public String schemes() {
    if (publicKeys.isEmpty()) {
      return Signatures.V1;
    }
    return secrets.isEmpty() ? Signatures.V1A : Signatures.V1 + " or " + Signatures.V1A;
  }

  /**
   * What one header's entries came to: {@code matched} if one verified; {@code unmatched} if an
   * entry of a scheme we hold keys for verified with none of them (a sender mid-rotation signs
   * with a key we do not know yet, or a forger).
   */
  public record Match(boolean matched, boolean unmatched) {}

  /**
   * Checks {@code header}'s entries against the keys of their scheme: {@code v1} entries first
   * (an HMAC costs microseconds), then {@code v1a} ones (an Ed25519 verification with the JDK
   * costs about a millisecond), trying at most {@link #MAX_ED25519_CHECKS} entry-key pairs, so
   * a forged header cannot cost more than that.
   *
   * @param wantUnmatched whether to go on after a match to find out whether some entry matches
   *     no key; without it the check stops at the first match, and {@code unmatched} says only
   *     what was seen before
   */
  public Match match(String id, long timestamp, byte[] body, String header, boolean wantUnmatched) {
    byte[] content = Signatures.content(id, timestamp, body);
    List<Signatures.Entry> entries = Signatures.parse(header);
    boolean matched = false;
    boolean unmatched = false;
    if (!secrets.isEmpty()) {
      List<byte[]> macs = null;
      for (Signatures.Entry e : entries) {
        if (!e.scheme().equals(Signatures.V1)) {
          continue;
        }
        if (macs == null) {
          macs = new ArrayList<>(secrets.size());
          for (byte[] k : secrets) {
            macs.add(Signatures.hmac(k, content));
          }
        }
        boolean ok = false;
        for (byte[] mac : macs) {
          // Constant time in the signature's content: no byte-by-byte oracle for forgers.
          ok |= MessageDigest.isEqual(mac, e.signature());
        }
        matched |= ok;
        unmatched |= !ok;
      }
    }
    int checks = 0;
    for (Signatures.Entry e : entries) {
      if (publicKeys.isEmpty() || matched && !wantUnmatched || checks >= MAX_ED25519_CHECKS) {
        break;
      }
      if (!e.scheme().equals(Signatures.V1A)) {
        continue;
      }
      boolean ok = false;
      for (PublicKey k : publicKeys) {
        if (checks++ >= MAX_ED25519_CHECKS) {
          break;
        }
        if (Ed25519.verify(k, content, e.signature())) {
          ok = true;
          break;
        }
      }
      matched |= ok;
      unmatched |= !ok;
    }
    return new Match(matched, unmatched);
  }

  /**
   * Checks everything but the signature: the three headers and the body are there, and the
   * timestamp is epoch seconds within {@code toleranceSeconds} of {@code nowSeconds}, either way.
   * The arithmetic cannot overflow: a timestamp near {@code Long.MIN_VALUE} is stale, not fresh.
   *
   * @return the timestamp
   */
  public static long requireFresh(String id, String timestamp, String signature, byte[] body,
      long nowSeconds, long toleranceSeconds) throws WebhookVerificationException {
    if (id == null || id.isEmpty() || timestamp == null || signature == null) {
      throw new WebhookVerificationException(Reason.MISSING_HEADERS,
          "webhook-id, webhook-timestamp and webhook-signature are required");
    }
    if (body == null) {
      throw new WebhookVerificationException(Reason.MISSING_HEADERS, "no body");
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException(Reason.MALFORMED, "webhook-timestamp is not epoch seconds");
    }
    long diff;
    try {
      diff = Math.subtractExact(nowSeconds, ts);
    } catch (ArithmeticException e) {
      throw new WebhookVerificationException(Reason.STALE_TIMESTAMP, "webhook-timestamp " + ts
          + " is out of any window (window " + toleranceSeconds + " s)");
    }
    if (diff > toleranceSeconds || diff < -toleranceSeconds) {
      throw new WebhookVerificationException(Reason.STALE_TIMESTAMP, "webhook-timestamp " + ts + " is "
          + diff + " s from now (window " + toleranceSeconds + " s)");
    }
    return ts;
  }

  /** The full check: {@link #requireFresh}, then a matching signature (the first will do). */
  public Match verify(String id, String timestamp, String signature, byte[] body, long nowSeconds,
      long toleranceSeconds) throws WebhookVerificationException {
    long ts = requireFresh(id, timestamp, signature, body, nowSeconds, toleranceSeconds);
    Match m = match(id, ts, body, signature, false);
    if (!m.matched()) {
      throw badSignature(schemes());
    }
    return m;
  }

  /** The failure for a delivery no key verified. */
  public static WebhookVerificationException badSignature(String schemes) {
    return new WebhookVerificationException(Reason.BAD_SIGNATURE, "no matching " + schemes + " signature");
  }

  /**
   * Header {@code name} of a request, looked up whatever the case of the map's keys; null when
   * absent. {@code joined}: every value, space-separated (signature lists add up); otherwise the
   * one value, and several different ones are malformed (which would we believe?).
   */
  public static String header(Map<String, List<String>> headers, String name, boolean joined)
      throws WebhookVerificationException {
    List<String> values = Signatures.values(headers, name);
    if (values.isEmpty()) {
      return null;
    }
    if (joined) {
      return String.join(" ", values);
    }
    String first = values.get(0);
    for (String v : values) {
      if (!v.equals(first)) {
        throw new WebhookVerificationException(Reason.MALFORMED, "more than one " + name + " header");
      }
    }
    return first;
  }

  @Override
  public String toString() {
    // Never the secrets themselves: rings end up in logs.
    return "KeyRing[" + secrets.size() + " v1 secret(s), " + publicKeys.size() + " v1a public key(s)]";
  }
}
