package io.vtstatus.internal.sim;

import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.webhook.Ed25519;
import io.vtstatus.internal.webhook.Signatures;
import io.vtstatus.internal.webhook.Signer;
import io.vtstatus.simulator.SimulatorServer.Signing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One registration's signing keys, immutable: a {@code whsec_} secret when it signs {@code v1}, an
 * Ed25519 pair when it signs {@code v1a} (the {@code whsk_} never leaves the simulator), and,
 * after a rotation, the previous keys until the overlap ends. During the overlap every delivery
 * carries the new signatures and the old, space-separated, as the specification recommends.
 */
final class SigningKeys {
  private final Optional<String> secret;
  private final Optional<String> secretKey;
  private final Optional<String> publicKey;
  private final Signer current;
  private final Optional<Signer> withPrevious;
  private final Instant previousUntil;

  private SigningKeys(Optional<String> secret, Optional<String> secretKey, Optional<String> publicKey,
      Optional<Signer> withPrevious, Instant previousUntil) {
    this.secret = secret;
    this.secretKey = secretKey;
    this.publicKey = publicKey;
    this.current = Signer.of(keys(secret, secretKey));
    this.withPrevious = withPrevious;
    this.previousUntil = previousUntil;
  }

  private static List<String> keys(Optional<String> secret, Optional<String> secretKey) {
    List<String> k = new ArrayList<>(2);
    secret.ifPresent(k::add);
    secretKey.ifPresent(k::add);
    return k;
  }

  /**
   * The first keys of a registration: the receiver's {@code secret} (or a generated one) for
   * {@code v1}, a new pair for {@code v1a}.
   */
  static SigningKeys create(Signing signing, Optional<String> secret) {
    Optional<String> s = signing == Signing.V1A ? Optional.empty()
        : Optional.of(secret.orElseGet(Signatures::newSecret));
    return fresh(signing, s);
  }

  private static SigningKeys fresh(Signing signing, Optional<String> secret) {
    Optional<String> sk = Optional.empty();
    Optional<String> pk = Optional.empty();
    if (signing != Signing.V1) {
      String[] pair = Ed25519.newKeyPair();
      sk = Optional.of(pair[0]);
      pk = Optional.of(pair[1]);
    }
    return new SigningKeys(secret, sk, pk, Optional.empty(), Instant.MIN);
  }

  /**
   * New keys of every scheme in use; until {@code now + overlap} deliveries are signed with these
   * and with the keys they replace (a rotation during an overlap ends the older overlap).
   */
  SigningKeys rotate(Signing signing, Instant now, Duration overlap) {
    SigningKeys next = fresh(signing, signing == Signing.V1A ? Optional.empty()
        : Optional.of(Signatures.newSecret()));
    if (overlap.isZero()) {
      return next;
    }
    List<String> both = keys(next.secret, next.secretKey);
    both.addAll(current.keys());
    return new SigningKeys(next.secret, next.secretKey, next.publicKey,
        Optional.of(Signer.of(both)), now.plus(overlap));
  }

  /** The {@code webhook-signature} header for a delivery sent at {@code now}. */
  String sign(String id, long timestamp, byte[] body, Instant now) {
    Signer s = withPrevious.isPresent() && now.isBefore(previousUntil) ? withPrevious.get() : current;
    return s.sign(id, timestamp, body);
  }

  /** When the previous keys stop signing; empty when there are none. */
  Optional<Instant> previousUntil() {
    return withPrevious.map(s -> previousUntil);
  }

  /**
   * What a receiver needs, added to a registration or rotation answer: {@code secret} ({@code
   * v1}) and {@code public_key} ({@code v1a}, the {@code whpk_}), each only if in use.
   */
  void addTo(Json.ObjectBuilder answer) {
    secret.ifPresent(s -> answer.put("secret", s));
    publicKey.ifPresent(k -> answer.put("public_key", k));
  }

  Optional<String> secret() {
    return secret;
  }

  Optional<String> publicKey() {
    return publicKey;
  }
}
