package io.vtstatus;

import io.vtstatus.internal.webhook.Ed25519;
import io.vtstatus.internal.webhook.Signatures;
import io.vtstatus.internal.webhook.Signer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Signs Standard Webhooks deliveries, and makes the keys to sign with: the sending half of
 * {@link WebhookVerifier}, for senders of your own and for tests.
 *
 * <pre>{@code
 * WebhookSigner.KeyPair pair = WebhookSigner.newKeyPair();     // v1a: keep secretKey() to yourself
 * WebhookSigner signer = WebhookSigner.of(pair.secretKey());   // or a whsec_ secret for v1, or both
 * String header = signer.sign("msg_1", Instant.now().getEpochSecond(), body);
 * // send body with webhook-id: msg_1, webhook-timestamp, webhook-signature: header;
 * // the receiver verifies with WebhookVerifier.of(pair.publicKey()), or signer.verificationKeys()
 * }</pre>
 *
 * <p>Why this shape: keys are the strings the specification defines ({@code whsec_}, {@code
 * whsk_}, {@code whpk_}), so they go into configuration files and registration answers as they
 * are, with no key type to learn; the prefix says the scheme. A signer holding several keys
 * signs with each of them, which is exactly what a sender does during a rotation (old and new).
 * Key generation sits here because only a sender makes keys; the pair is a record because its
 * halves go to different parties. Immutable and thread-safe.
 */
public final class WebhookSigner {
  private final Signer signer;

  private WebhookSigner(Signer signer) {
    this.signer = signer;
  }

  /**
   * A signer with one or more keys, each a {@code whsec_} secret ({@code v1}) or a {@code whsk_}
   * secret key ({@code v1a}); every delivery gets one signature per key, in this order.
   *
   * @param key the first key
   * @param more further keys, if any
   * @return the signer
   * @throws IllegalArgumentException if a key is malformed, or is a {@code whpk_} public key
   */
  public static WebhookSigner of(String key, String... more) {
    Objects.requireNonNull(more, "more");
    List<String> all = new ArrayList<>(1 + more.length);
    all.add(Objects.requireNonNull(key, "key"));
    all.addAll(List.of(more));
    return of(all);
  }

  /**
   * A signer with {@code keys}, at least one, each a {@code whsec_} secret or a {@code whsk_}
   * secret key.
   *
   * @param keys the keys, at least one
   * @return the signer
   * @throws IllegalArgumentException if there is none or one is not a valid signing key
   */
  public static WebhookSigner of(Collection<String> keys) {
    return new WebhookSigner(Signer.of(keys));
  }

  /**
   * The {@code webhook-signature} header for one delivery of {@code body}, exactly the bytes
   * that will be sent: space-separated {@code v1,<base64>} and {@code v1a,<base64>} entries.
   *
   * @param body the body's bytes, exactly as sent
   * @param id the {@code webhook-id}: 1 to 256 characters, no {@code .}, spaces or control
   *     characters (so the signed {@code id.timestamp.body} cannot be read two ways)
   * @param timestamp the {@code webhook-timestamp}, epoch seconds, not negative
   * @return the header's value
   * @throws IllegalArgumentException if {@code id} or {@code timestamp} is invalid
   */
  public String sign(String id, long timestamp, byte[] body) {
    return signer.sign(id, timestamp, body);
  }

  /**
   * {@link #sign(String, long, byte[])} for a body sent as UTF-8 text.
   *
   * @param id the {@code webhook-id}
   * @param timestamp the {@code webhook-timestamp}: Unix seconds
   * @param body the body, sent as UTF-8
   * @return the header's value
   * @throws IllegalArgumentException if {@code id} or {@code timestamp} is invalid
   */
  public String sign(String id, long timestamp, String body) {
    return sign(id, timestamp, Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The keys a receiver needs to verify this signer's deliveries, one per key in order: each
   * {@code whsec_} as it is (v1 secrets are shared) and the {@code whpk_} public key of each
   * {@code whsk_} (which never leaves the sender).
   *
   * @return the keys a receiver needs to verify this signer's deliveries, one per key in order
   */
  public List<String> verificationKeys() {
    return signer.verificationKeys();
  }

  /**
   * A new random {@code v1} secret: {@code whsec_} and 24 random bytes in base64.
   *
   * @return a new random {@code v1} secret: {@code whsec_} and 24 random bytes in base64
   */
  public static String newSecret() {
    return Signatures.newSecret();
  }

  /**
   * A new random Ed25519 key pair for {@code v1a}.
   *
   * @return a new random Ed25519 key pair for {@code v1a}
   */
  public static KeyPair newKeyPair() {
    String[] pair = Ed25519.newKeyPair();
    return new KeyPair(pair[0], pair[1]);
  }

  /**
   * An Ed25519 key pair as the specification serialises it.
   *
   * @param secretKey {@code whsk_} and base64 of the 64-byte secret key (seed, then public key,
   *     as libsodium and Go store it): signs, stays with the sender
   * @param publicKey {@code whpk_} and base64 of the 32-byte public key: verifies, given to
   *     receivers
   */
  public record KeyPair(String secretKey, String publicKey) {
    /**
     * Checks that the two keys are halves of one pair.
     *
     * @param secretKey the {@code whsk_} secret key
     * @param publicKey its {@code whpk_} public key
     * @throws IllegalArgumentException unless {@code publicKey} is {@code secretKey}'s
     */
    public KeyPair {
      Objects.requireNonNull(secretKey, "secretKey");
      Objects.requireNonNull(publicKey, "publicKey");
      if (!Ed25519.secretKey(secretKey).publicKey().equals(publicKey)) {
        throw new IllegalArgumentException("publicKey is not the public half of secretKey");
      }
    }

    /** Shows the public key only: pairs end up in logs. */
    @Override
    public String toString() {
      return "KeyPair[secretKey=(hidden), publicKey=" + publicKey + "]";
    }
  }

  @Override
  public String toString() {
    return "WebhookSigner" + signer.toString().substring("Signer".length());
  }
}
