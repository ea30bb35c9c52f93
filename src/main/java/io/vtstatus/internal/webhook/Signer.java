package io.vtstatus.internal.webhook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A sender's keys, parsed once: {@code whsec_} secrets sign {@code v1}, {@code whsk_} secret
 * keys sign {@code v1a}. One header carries a signature per key, in the order given, so a sender
 * rotating keys lists the old and the new. Immutable and thread-safe.
 */
public final class Signer {
  private final List<String> keys;
  /** One per key, in order: signed content to header entry. */
  private final List<Function<byte[], String>> entries = new ArrayList<>();
  private final List<String> verificationKeys = new ArrayList<>();

  private Signer(List<String> keys) {
    this.keys = keys;
    for (String k : keys) {
      if (k.startsWith(Signatures.PREFIX)) {
        byte[] secret = Signatures.key(k);
        entries.add(content -> Signatures.entry(Signatures.V1, Signatures.hmac(secret, content)));
        verificationKeys.add(k);
      } else {
        Ed25519.SecretKey sk = Ed25519.secretKey(k);
        entries.add(content -> Signatures.entry(Signatures.V1A, Ed25519.sign(sk.privateKey(), content)));
        verificationKeys.add(sk.publicKey());
      }
    }
  }

  /**
   * A signer with {@code keys} (duplicates dropped, order kept).
   *
   * @throws IllegalArgumentException if there is none, or one is neither a valid {@code whsec_}
   *     secret nor a valid {@code whsk_} secret key (the message never repeats a key)
   */
  public static Signer of(Collection<String> keys) {
    Objects.requireNonNull(keys, "keys");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("need at least one key (whsec_ or whsk_)");
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String k : keys) {
      Objects.requireNonNull(k, "key");
      if (k.startsWith(Signatures.PREFIX)) {
        if (!Signatures.isValidSecret(k)) {
          throw new IllegalArgumentException(
              "Invalid webhook secret: need whsec_ followed by base64 of at least 16 bytes");
        }
      } else if (k.startsWith(Ed25519.PUBLIC_PREFIX)) {
        throw new IllegalArgumentException(
            "A whpk_ key is a public key: it verifies signatures, it cannot make them (sign with its whsk_)");
      } else if (!k.startsWith(Ed25519.SECRET_PREFIX)) {
        throw new IllegalArgumentException(
            "Invalid signing key: need whsec_ (a v1 secret) or whsk_ (a v1a secret key) in front");
      }
      distinct.add(k);
    }
    return new Signer(List.copyOf(distinct));
  }

  /** The keys as given, duplicates dropped. */
  public List<String> keys() {
    return keys;
  }

  /**
   * What a receiver verifies this signer's signatures with, one per key in order: each {@code
   * whsec_} as it is (it is shared), and the {@code whpk_} of each {@code whsk_}.
   */
  public List<String> verificationKeys() {
    return List.copyOf(verificationKeys);
  }

  /**
   * The {@code webhook-signature} header for one delivery: an entry per key, in the keys' order
   * ({@code v1} for a secret, {@code v1a} for a secret key), space-separated.
   *
   * @throws IllegalArgumentException if {@code id} is empty or holds a {@code .}, space or control
   *     character (the specification wants ids that cannot shift the signed content's fields), or
   *     {@code timestamp} is negative
   */
  public String sign(String id, long timestamp, byte[] body) {
    requireValidId(id);
    if (timestamp < 0) {
      throw new IllegalArgumentException("Invalid timestamp: " + timestamp + " (epoch seconds)");
    }
    Objects.requireNonNull(body, "body");
    byte[] content = Signatures.content(id, timestamp, body);
    StringBuilder header = new StringBuilder();
    for (Function<byte[], String> e : entries) {
      if (header.length() > 0) {
        header.append(' ');
      }
      header.append(e.apply(content));
    }
    return header.toString();
  }

  static void requireValidId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty() || id.length() > 256) {
      throw new IllegalArgumentException("Invalid webhook id: need 1 to 256 characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '.' || c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException("Invalid webhook id: no '.', spaces or control characters");
      }
    }
  }

  @Override
  public String toString() {
    // Never the secrets themselves: signers end up in logs.
    long v1 = keys.stream().filter(k -> k.startsWith(Signatures.PREFIX)).count();
    return "Signer[" + v1 + " v1 secret(s), " + (keys.size() - v1) + " v1a secret key(s)]";
  }
}
