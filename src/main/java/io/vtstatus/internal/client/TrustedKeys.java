package io.vtstatus.internal.client;

import io.vtstatus.WebhookOptions;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerifier;
import io.vtstatus.internal.webhook.KeyRing;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The keys the webhook listener verifies with, and how they change. Trusted: the keys the user
 * configured, always; and the server's current keys, those of its latest registration answer (or
 * the secret we registered, when it answered none). Until the first answer the secret we
 * register is trusted provisionally: the first answer replaces it outright, since a server that
 * answers keys of its own never signed with it. When the server's keys change later, the
 * previous ones are retired, not forgotten: they still verify deliveries whose {@code webhook-timestamp}
 * is no later than the moment they were retired, so a delivery signed just before a rotation and
 * still in flight is not refused; nothing signed with them afterwards verifies. A retired set is
 * dropped once the tolerance window has passed its retirement. Thread-safe: readers see one
 * immutable state.
 */
final class TrustedKeys {
  /** Retired sets kept at most (a server that keeps changing keys must not grow this). */
  static final int MAX_RETIRED = 4;

  private record Retired(KeyRing ring, long retiredAt) {}

  /**
   * @param ring the configured and current keys together; null when there are none yet
   * @param askedForKeys whether a verified delivery with entries no key matched has asked for a
   *     registration already, with these keys
   */
  private record State(Set<String> current, KeyRing ring, List<Retired> retired,
      AtomicBoolean askedForKeys) {}

  private boolean answered;

  private final List<String> configured;
  private final long toleranceSeconds;
  private volatile State state;

  /**
   * @param configured trusted always
   * @param provisional trusted until the first registration answer
   */
  TrustedKeys(List<String> configured, List<String> provisional, long toleranceSeconds) {
    this.configured = List.copyOf(configured);
    this.toleranceSeconds = toleranceSeconds;
    this.state = state(new LinkedHashSet<>(provisional), List.of());
  }

  private State state(Set<String> current, List<Retired> retired) {
    Set<String> all = new LinkedHashSet<>(configured);
    all.addAll(current);
    return new State(current, all.isEmpty() ? null : KeyRing.of(all), retired, new AtomicBoolean());
  }

  /**
   * The keys a client with webhook options {@code o} starts with: its verification keys always,
   * its secret until the first registration answer. A generated secret is not among them: it
   * is trusted once registered, since nobody can sign with it before.
   */
  static TrustedKeys of(WebhookOptions o) {
    return new TrustedKeys(o.verificationKeys(), o.secret().map(List::of).orElse(List.of()),
        WebhookVerifier.DEFAULT_TOLERANCE.getSeconds());
  }

  /** True when there is a key to verify with; without one, signed deliveries are only hints. */
  boolean any() {
    return state.ring != null;
  }

  /**
   * From now on the server's keys are {@code keys}; if they differ from the previous ones, those
   * are retired at {@code nowSeconds}.
   */
  synchronized void use(List<String> keys, long nowSeconds) {
    State s = state;
    Set<String> next = new LinkedHashSet<>(keys);
    boolean first = !answered;
    answered = true;
    if (next.equals(s.current)) {
      return;
    }
    if (first) {
      state = state(next, List.of());
      return;
    }
    List<Retired> retired = new ArrayList<>();
    Set<String> gone = new LinkedHashSet<>(s.current);
    gone.removeAll(next);
    gone.removeAll(configured);
    if (!gone.isEmpty()) {
      retired.add(new Retired(KeyRing.of(gone), nowSeconds));
    }
    for (Retired r : s.retired) {
      if (retired.size() < MAX_RETIRED && nowSeconds - r.retiredAt <= toleranceSeconds) {
        retired.add(r);
      }
    }
    state = state(next, List.copyOf(retired));
  }

  /**
   * Verifies one delivery over its raw body. Returns whether some entry of a scheme we hold
   * matched no key (the sender signs with a key we do not have: it may be rotating).
   *
   * @throws WebhookVerificationException as {@code WebhookVerifier.verify}
   * @throws IllegalStateException if there is no key ({@link #any()} is false)
   */
  KeyRing.Match verify(String id, String timestamp, String signature, byte[] body, long nowSeconds)
      throws WebhookVerificationException {
    State s = state;
    if (s.ring == null) {
      throw new IllegalStateException("no keys to verify with");
    }
    long ts = KeyRing.requireFresh(id, timestamp, signature, body, nowSeconds, toleranceSeconds);
    // Entries no key matches matter only until they have made us ask for new keys once; after
    // that the first match will do (each v1a check costs about a millisecond).
    KeyRing.Match m = s.ring.match(id, ts, body, signature, !s.askedForKeys.get());
    if (m.matched()) {
      return m;
    }
    for (Retired r : s.retired) {
      if (ts <= r.retiredAt && r.ring.match(id, ts, body, signature, false).matched()) {
        return new KeyRing.Match(true, true);
      }
    }
    throw KeyRing.badSignature(s.ring.schemes());
  }

  /**
   * True once per set of keys: the first verified delivery carrying entries no key matched is
   * worth a registration (its answer brings the new keys); the rest of a rotation's overlap,
   * when every delivery carries the old key's entries too, is not.
   */
  boolean askForKeysOnce() {
    return state.askedForKeys.compareAndSet(false, true);
  }
}
